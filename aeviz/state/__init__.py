"""Each page's state as a plain model, free of Qt: validated, saved and restored here.

``aeviz.state.<page>`` holds the state value of one page (a frozen dataclass built on
:class:`aeviz.state.base.PageState`) and its named presets (the exact states the home
page's links and the lesson player open). The page in ``aeviz.ui.pages`` is a view bound
to a :class:`aeviz.state.base.Store` of that value. This package never imports Qt.
"""
