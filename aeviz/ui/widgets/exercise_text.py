"""The words of the exercises: questions, hints, worked solutions, verdicts, in French and English.

The core describes each line as a Step (a key and plain values); here the values are
formatted in the current language (decimal comma in French, true minus sign,
``y(1, 0)`` for a cell, ``4×1 + 5×4 + … = 122`` for a sum, as on the convolution page)
and the text is looked up with ``tr``.
"""

from __future__ import annotations

from aeviz.core.exercise_kinds import Step
from aeviz.ui.i18n import add_strings, current_language, has_key, tr
from aeviz.ui.widgets import fmt_num

_GEO_EN = "stride s = {stride}, padding p = {padding}, dilation d = {dilation}"
_GEO_FR = "pas s = {stride}, remplissage p = {padding}, dilatation d = {dilation}"
_TGEO_EN = "stride s = {stride}, padding p = {padding}, output_padding = {output_padding}, dilation d = {dilation}"
_TGEO_FR = "pas s = {stride}, remplissage p = {padding}, output_padding = {output_padding}, dilatation d = {dilation}"

add_strings({
    # kinds and levels
    "ex.kind.mixed": {"en": "Mixed (drawn from the seed)", "fr": "Au hasard (selon la graine)"},
    "ex.kind.conv_cell": {"en": "Convolution: one output cell", "fr": "Convolution : une case de sortie"},
    "ex.kind.conv_size": {"en": "Convolution: output size", "fr": "Convolution : taille de la sortie"},
    "ex.kind.conv_matrix_row": {"en": "Convolution: a row of the matrix C", "fr": "Convolution : une ligne de la matrice C"},
    "ex.kind.transposed_cell": {"en": "Transposed convolution: one output cell",
                                "fr": "Convolution transposée : une case de sortie"},
    "ex.kind.transposed_partial": {"en": "Transposed convolution: one entry of a partial grid",
                                   "fr": "Convolution transposée : une case d'une grille partielle"},
    "ex.kind.transposed_size": {"en": "Transposed convolution: output size",
                                "fr": "Convolution transposée : taille de la sortie"},
    "ex.kind.compression_ratio": {"en": "Compression: bytes of the image and of the code",
                                  "fr": "Compression : octets de l'image et du code"},
    "ex.kind.layer_params": {"en": "Parameters of a layer", "fr": "Paramètres d'une couche"},
    "ex.level.1": {"en": "1 · small integers", "fr": "1 · petits entiers"},
    "ex.level.2": {"en": "2 · stride, padding", "fr": "2 · pas, remplissage"},
    "ex.level.3": {"en": "3 · dilation, output_padding", "fr": "3 · dilatation, output_padding"},
    **{f"ex.level.{kind}.3": {"en": "3 · dilation", "fr": "3 · dilatation"}
       for kind in ("conv_cell", "conv_size", "conv_matrix_row")},
    "ex.level.compression_ratio.1": {"en": "1 · MNIST, a whole ratio", "fr": "1 · MNIST, un rapport entier"},
    "ex.level.compression_ratio.2": {"en": "2 · MNIST, any k", "fr": "2 · MNIST, n'importe quel k"},
    "ex.level.compression_ratio.3": {"en": "3 · other images and types", "fr": "3 · autres images et types"},
    "ex.level.layer_params.1": {"en": "1 · dense layers", "fr": "1 · couches denses"},
    "ex.level.layer_params.2": {"en": "2 · convolutions", "fr": "2 · convolutions"},
    "ex.level.layer_params.3": {"en": "3 · all layers, with or without bias",
                                "fr": "3 · toutes les couches, avec ou sans biais"},
    # questions
    "ex.q.conv_cell": {"en": "Compute y{cell} of the convolution y = x * k (" + _GEO_EN + ").",
                       "fr": "Calculez y{cell} de la convolution y = x * k (" + _GEO_FR + ")."},
    "ex.q.conv_size": {"en": "What is the size of the output y = x * k (" + _GEO_EN + ")? Answer rows×columns, e.g. 3×3.",
                       "fr": "Quelle est la taille de la sortie y = x * k (" + _GEO_FR + ") ? Répondez lignes×colonnes, "
                             "par ex. 3×3."},
    "ex.q.conv_matrix_row": {"en": "Write the row of the unrolled matrix C that gives y{cell} (" + _GEO_EN + "): "
                                   "{n} numbers separated by spaces.",
                             "fr": "Écrivez la ligne de la matrice déroulée C qui donne y{cell} (" + _GEO_FR + ") : "
                                   "{n} nombres séparés par des espaces."},
    "ex.q.transposed_cell": {"en": "Compute y{cell} of the transposed convolution of x by the kernel k (" + _TGEO_EN + ").",
                             "fr": "Calculez y{cell} de la convolution transposée de x par le noyau k (" + _TGEO_FR + ")."},
    "ex.q.transposed_partial": {"en": "Transposed convolution (" + _TGEO_EN + "): input x{in} places the partial grid "
                                      "x{in}·k in the output. What is its entry at {cell} (output coordinates)?",
                                "fr": "Convolution transposée (" + _TGEO_FR + ") : l'entrée x{in} dépose la grille "
                                      "partielle x{in}·k dans la sortie. Que vaut sa case {cell} (coordonnées de la "
                                      "sortie) ?"},
    "ex.q.transposed_size": {"en": "What is the size of the output of the transposed convolution of x by k ("
                                   + _TGEO_EN + ")? Answer rows×columns, e.g. 4×4.",
                             "fr": "Quelle est la taille de la sortie de la convolution transposée de x par k ("
                                   + _TGEO_FR + ") ? Répondez lignes×colonnes, par ex. 4×4."},
    "ex.q.compression_ratio": {"en": "An image of {shape} values stored as {image_dtype} is encoded into a code of "
                                     "k = {k} numbers stored as {code_dtype}. How many times smaller is the code? "
                                     "(bytes of the image ÷ bytes of the code, 2 decimals)",
                               "fr": "Une image de {shape} valeurs stockées en {image_dtype} est encodée en un code de "
                                     "k = {k} nombres stockés en {code_dtype}. Combien de fois le code est-il plus "
                                     "petit ? (octets de l'image ÷ octets du code, 2 décimales)"},
    "ex.q.layer_params": {"en": "How many parameters (weights and biases) does the layer {name} of this autoencoder have?",
                          "fr": "Combien de paramètres (poids et biais) la couche {name} de cet auto-encodeur a-t-elle ?"},
    # hints
    "ex.h.hint_window": {"en": "The window of y{cell} is lit on x: it starts at row {r0}, column {c0} of the padded "
                               "input (stride × index). Multiply each lit cell by the kernel cell lying on it, then add.",
                         "fr": "La fenêtre de y{cell} est allumée sur x : elle commence ligne {r0}, colonne "
                               "{c0} de l'entrée avec remplissage (pas × indice). Multipliez chaque case allumée par "
                               "la case du noyau posée dessus, puis additionnez."},
    "ex.h.hint_size_conv": {"en": "On each axis, output = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1. The first window "
                                  "(frame) and the last one of the top row (lit) are shown on x.",
                            "fr": "Sur chaque axe, sortie = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1. La première "
                                  "fenêtre (cadre) et la dernière de la ligne du haut (allumée) sont montrées sur x."},
    "ex.h.hint_row": {"en": "y{cell} is entry {row} of vec(y) (read row by row, from 1), so it is row {row} of C. "
                            "That row holds the kernel values where its window (lit) reads vec(x), and 0 elsewhere: "
                            "{n} numbers.",
                      "fr": "y{cell} est l'entrée {row} de vec(y) (lue ligne par ligne, à partir de 1) : "
                            "c'est donc la ligne {row} de C. Elle contient les valeurs du noyau là où sa fenêtre "
                            "(allumée) lit vec(x), et 0 ailleurs : {n} nombres."},
    "ex.h.hint_tcell": {"en": "The inputs whose partial grid x·k reaches y{cell} are lit, with the kernel cell "
                              "each one puts there. Add their products.",
                        "fr": "Les entrées dont la grille partielle x·k atteint y{cell} sont allumées, avec "
                              "la case du noyau que chacune y dépose. Additionnez leurs produits."},
    "ex.h.hint_partial": {"en": "x{in}·k is the kernel multiplied by x{in}, placed with its top-left cell at row "
                                "{r0}, column {c0} of the output (stride × index − padding), kernel cells {d} apart "
                                "(dilation). The cells it reaches are lit.",
                          "fr": "x{in}·k est le noyau multiplié par x{in}, posé avec sa case en haut à gauche "
                                "ligne {r0}, colonne {c0} de la sortie (pas × indice − remplissage), les cases du noyau "
                                "espacées de {d} (dilatation). Les cases qu'il atteint sont allumées."},
    "ex.h.hint_size_tconv": {"en": "On each axis, output = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1.",
                             "fr": "Sur chaque axe, sortie = (n − 1)·s − 2p + d·(k − 1) + output_padding + 1."},
    "ex.h.hint_bytes": {"en": "Bytes = number of values × bytes per value (uint8: 1, float16: 2, float32: 4, "
                              "float64: 8).",
                        "fr": "Octets = nombre de valeurs × octets par valeur (uint8 : 1, float16 : 2, "
                              "float32 : 4, float64 : 8)."},
    "ex.h.hint_linear": {"en": "A dense layer n_in→n_out has n_in × n_out weights, plus one bias per output "
                               "if it has biases.",
                         "fr": "Une couche dense n_entrée→n_sortie a n_entrée × n_sortie poids, plus un biais "
                               "par sortie si elle a des biais."},
    "ex.h.hint_conv": {"en": "A {type} layer c_in→c_out with a kh×kw kernel has c_in × c_out × kh × kw weights, "
                             "plus one bias per output channel if it has biases.",
                       "fr": "Une couche {type} c_entrée→c_sortie avec un noyau kh×kw a c_entrée × c_sortie × "
                             "kh × kw poids, plus un biais par canal de sortie si elle a des biais."},
    # worked solutions
    "ex.s.padding_zeros": {"en": "{n} cell(s) of the window fall in the padding (p = {p}): they are zeros.",
                           "fr": "{n} case(s) de la fenêtre tombent dans le remplissage (p = {p}) : ce sont des zéros."},
    "ex.s.conv_sum": {"en": "y{cell} = {terms} = {total}", "fr": "y{cell} = {terms} = {total}"},
    "ex.s.tconv_sum": {"en": "y{cell} = {terms} = {total}", "fr": "y{cell} = {terms} = {total}"},
    "ex.s.size_conv": {"en": "{axis}: ⌊({n} + 2×{p} − {d}×({k} − 1) − 1) / {s}⌋ + 1 = ⌊{num} / {s}⌋ + 1 = {q} + 1 = {out}",
                       "fr": "{axis} : ⌊({n} + 2×{p} − {d}×({k} − 1) − 1) / {s}⌋ + 1 = ⌊{num} / {s}⌋ + 1 = {q} + 1 = {out}"},
    "ex.s.size_tconv": {"en": "{axis}: ({n} − 1)×{s} − 2×{p} + {d}×({k} − 1) + {op} + 1 = {out}",
                        "fr": "{axis} : ({n} − 1)×{s} − 2×{p} + {d}×({k} − 1) + {op} + 1 = {out}"},
    "ex.s.size_result": {"en": "Output size: {shape}", "fr": "Taille de la sortie : {shape}"},
    "ex.axis.both": {"en": "Rows and columns", "fr": "Lignes et colonnes"},
    "ex.axis.rows": {"en": "Rows", "fr": "Lignes"},
    "ex.axis.cols": {"en": "Columns", "fr": "Colonnes"},
    "ex.s.row_index": {"en": "y{cell} is entry {i}×{ow} + {j} + 1 = {row} of vec(y): row {row} of C.",
                       "fr": "y{cell} est l'entrée {i}×{ow} + {j} + 1 = {row} de vec(y) : ligne {row} de C."},
    "ex.s.row_taps": {"en": "Its window reads these entries of vec(x) (position: kernel value): {pairs}. "
                            "The other entries are 0.",
                      "fr": "Sa fenêtre lit ces entrées de vec(x) (position : valeur du noyau) : {pairs}. "
                            "Les autres entrées valent 0."},
    "ex.s.row_result": {"en": "Row of C: {values}", "fr": "Ligne de C : {values}"},
    "ex.s.partial_tap": {"en": "Cell {cell} of x{in}·k receives the kernel cell k{tap}: {xv} × {kv} = {total}.",
                         "fr": "La case {cell} de x{in}·k reçoit la case k{tap} du noyau : {xv} × {kv} = {total}."},
    "ex.s.partial_none": {"en": "No kernel cell of x{in}·k lands on {cell}: the entry is {total}.",
                          "fr": "Aucune case du noyau de x{in}·k ne tombe sur {cell} : la case vaut {total}."},
    "ex.s.bytes_image": {"en": "Image: {shape} values × {size} B ({dtype}) = {total} B",
                         "fr": "Image : {shape} valeurs × {size} o ({dtype}) = {total} o"},
    "ex.s.bytes_code": {"en": "Code: {k} numbers × {size} B ({dtype}) = {total} B",
                        "fr": "Code : {k} nombres × {size} o ({dtype}) = {total} o"},
    "ex.s.bytes_ratio": {"en": "Ratio: {a} ÷ {b} {eq} {ratio}: the code is {ratio} times smaller.",
                         "fr": "Rapport : {a} ÷ {b} {eq} {ratio} : le code est {ratio} fois plus petit."},
    "ex.s.params_linear": {"en": "{in} × {out} weights + {out} biases = {total}",
                           "fr": "{in} × {out} poids + {out} biais = {total}"},
    "ex.s.params_linear_nobias": {"en": "{in} × {out} weights (no bias) = {total}",
                                  "fr": "{in} × {out} poids (sans biais) = {total}"},
    "ex.s.params_conv": {"en": "{in} × {out} × {kh} × {kw} weights + {out} biases = {total}",
                         "fr": "{in} × {out} × {kh} × {kw} poids + {out} biais = {total}"},
    "ex.s.params_conv_nobias": {"en": "{in} × {out} × {kh} × {kw} weights (no bias) = {total}",
                                "fr": "{in} × {out} × {kh} × {kw} poids (sans biais) = {total}"},
    # verdicts and invalid answers
    "ex.right": {"en": "Right! ✓", "fr": "Juste ! ✓"},
    "ex.wrong_once": {"en": "✗ Not quite ({given}). Try again: a hint is shown below.",
                      "fr": "✗ Pas tout à fait ({given}). Réessayez : un indice est affiché ci-dessous."},
    "ex.wrong_twice": {"en": "✗ Still not right ({given}). The answer is {answer}: see the worked solution below.",
                       "fr": "✗ Toujours pas ({given}). La réponse est {answer} : voyez la solution détaillée ci-dessous."},
    "ex.invalid.empty": {"en": "Type an answer first.", "fr": "Tapez d'abord une réponse."},
    "ex.invalid.not_number": {"en": "“{text}” is not a number (write e.g. 12 or 2.5).",
                              "fr": "« {text} » n'est pas un nombre (écrivez par ex. 12 ou 2,5)."},
    "ex.invalid.not_size": {"en": "“{text}” is not a size: write rows×columns, e.g. 3×4.",
                            "fr": "« {text} » n'est pas une taille : écrivez lignes×colonnes, par ex. 3×4."},
    "ex.invalid.not_whole": {"en": "A size is made of whole numbers, e.g. 3×3.",
                             "fr": "Une taille est faite de nombres entiers, par ex. 3×3."},
    "ex.invalid.count": {"en": "This row has {expected} numbers; you typed {given}.",
                         "fr": "Cette ligne a {expected} nombres ; vous en avez tapé {given}."},
})


def level_name(kind: str, level: int) -> str:
    """What a level means for this kind (stride… for the convolutions, other things elsewhere)."""
    key = f"ex.level.{kind}.{level}"
    return tr(key) if has_key(key) else tr(f"ex.level.{level}")


def fmt_local(v) -> str:
    """``fmt_num`` in the current language: a decimal comma in French."""
    text = fmt_num(v)
    return text.replace(".", ",") if current_language() == "fr" else text


def _factor(v) -> str:
    text = fmt_local(v)
    return f"({text})" if text.startswith("\u2212") else text


def fmt_cell(cell) -> str:
    return f"({cell[0]}, {cell[1]})"


def fmt_values(values) -> str:
    """A row of numbers: ``1  4  −2`` (spaced, so decimal commas stay readable)."""
    return "  ".join(fmt_local(v) for v in values)


def fmt_answer(answer_kind: str, answer) -> str:
    if answer_kind == "size":
        return f"{answer[0]}×{answer[1]}"
    if answer_kind == "list":
        return fmt_values(answer)
    return fmt_ratio(answer)


def fmt_ratio(v: float) -> str:
    """At most two decimals (what the ratio questions ask for)."""
    if float(v).is_integer():
        return fmt_local(v)
    text = f"{float(v):.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "\u2212").replace(".", "," if current_language() == "fr" else ".")


def _format(key: str, value):
    if isinstance(value, (tuple, list)) and key in ("cell", "in", "tap"):
        return fmt_cell(value)
    if key == "shape":
        return "×".join(str(v) for v in value)
    if key == "terms":
        return " + ".join(f"{_factor(a)}×{_factor(b)}" for a, b in value)
    if key == "pairs":
        return ", ".join(f"{n}: {fmt_local(v)}" for n, v in value)
    if key == "values":
        return fmt_values(value)
    if key == "axis":
        return tr(f"ex.axis.{value}")
    if key == "ratio":
        return fmt_ratio(value)
    if key in ("xv", "kv"):
        return _factor(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt_local(value)
    return str(value)


def render(prefix: str, step: Step) -> str:
    """The text of ``step`` in the current language; ``prefix`` is "ex.q", "ex.h" or "ex.s"."""
    values = {key: _format(key, v) for key, v in step.values.items()}
    if step.key == "bytes_ratio":
        values["eq"] = "=" if float(step.values["ratio"] * 100).is_integer() else "≈"
    return tr(f"{prefix}.{step.key}", **values)


def render_verdict_error(code: str, values: dict, text: str) -> str:
    return tr(f"ex.invalid.{code}", text=text.strip()[:30], **values)
