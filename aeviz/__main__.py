"""aeviz command line: the GUI by default, subcommands for headless work.

    aeviz                                  start the app
    aeviz --lang fr --theme dark           start with these settings
    aeviz FILE.aevizview                   start on a saved view
    aeviz --screenshot DIR [--zoom 2]      render every page to DIR/<page>.png (and its view,
                                           DIR/<page>.aevizview) and exit
    aeviz --screenshot DIR --view FILE     render the saved view FILE to DIR/<page>.png
    aeviz --screenshot DIR --size 1280x720 render at that window size
    aeviz --lesson FILE.aevizlesson        start playing a lesson ("--lesson builtin": the course)
    aeviz --screenshot DIR --lesson FILE   render every step of the lesson to DIR/step-NN.png
    aeviz --self-test [--verbose]          check data, convolution, training and pages; "OK" or exit 1
    aeviz train --model mlp --latent 2 --epochs 5 --out model.aeviz
                                           train headless (see aeviz train --help)
"""

from __future__ import annotations

import argparse
import sys

THEMES = ("light", "dark", "high-contrast")
VIEW_SUFFIX = ".aevizview"  # aeviz.core.viewfile's, without importing the core at parse time


def _zoom(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"zoom must be a number, not {text!r}")
    if not 0.5 <= value <= 3.0:
        raise argparse.ArgumentTypeError(f"zoom must be between 0.5 and 3, not {value}")
    return value


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 1920x1080, not {text!r}")
    if not (640 <= width <= 7680 and 480 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"size must be between 640x480 and 7680x4320, not {text!r}")
    return width, height


def split_view_files(argv: list[str]) -> tuple[list[str], list[str]]:
    """(arguments for the parser, saved views to open): a bare ``*.aevizview`` is a file to open,
    the way a file manager or a file association passes it."""
    rest, views = [], []
    for index, arg in enumerate(argv):
        after_option = index > 0 and argv[index - 1] in ("--view", "--screenshot", "--lesson")
        if arg.lower().endswith(VIEW_SUFFIX) and not arg.startswith("-") and not after_option:
            views.append(arg)
        else:
            rest.append(arg)
    return rest, views


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aeviz", description="Touch autoencoders and (transposed) convolutions.")
    parser.add_argument("--lang", choices=("fr", "en"), help="interface language (default: system locale)")
    parser.add_argument("--theme", choices=THEMES, help="colour theme")
    parser.add_argument("--zoom", type=_zoom, help="zoom factor, 0.5 to 3")
    parser.add_argument("--presentation", action="store_true", help="full screen, scaled for a projector")
    parser.add_argument("--screenshot", metavar="DIR",
                        help="render every page to DIR/<page>.png and DIR/<page>.aevizview, and exit")
    parser.add_argument("--view", metavar="FILE", help="with --screenshot: render this saved view only")
    parser.add_argument("--lesson", metavar="FILE",
                        help="play this lesson file (or 'builtin', the course); with --screenshot: render each step")
    parser.add_argument("--size", type=_size, metavar="WxH", help="with --screenshot: the window size, e.g. 1280x720")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--self-test", action="store_true", help="check this installation offscreen and exit")
    parser.add_argument("--verbose", action="store_true", help="with --self-test: show tracebacks")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    from aeviz.cli_train import add_train_parser
    add_train_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    from aeviz.core.threads import configure_openmp

    configure_openmp()  # before anything imports torch (the GUI's warm-up thread, aeviz train)
    parser = build_parser()
    argv, views = split_view_files(sys.argv[1:] if argv is None else list(argv))
    args = parser.parse_args(argv)
    if len(views) > 1:
        parser.error("open one saved view at a time")
    if args.view and not args.screenshot:
        parser.error("--view goes with --screenshot (to open a view in the app: aeviz FILE.aevizview)")
    if args.view and args.lesson:
        parser.error("--view and --lesson cannot go together")
    if args.command is not None:
        return args.handler(args)
    if args.version:
        from aeviz import __version__
        print(f"aeviz {__version__}")
        return 0
    if args.self_test:
        from aeviz.selftest import run
        return run(verbose=args.verbose)
    if args.screenshot:
        from aeviz.ui.app import render_screenshots
        try:
            files = render_screenshots(args.screenshot, args.lang, args.theme, args.zoom, args.presentation,
                                       view=args.view, size=args.size, lesson=args.lesson)
        except OSError as exc:
            print(f"aeviz: cannot write the screenshots: {exc}", file=sys.stderr)
            return 1
        except ValueError as exc:  # a view that cannot be opened (AevizError): one line, no traceback
            print(f"aeviz: {exc}", file=sys.stderr)
            return 1
        for path in files:
            print(path)
        return 0
    from aeviz.ui.app import run_gui
    return run_gui(args.lang, args.theme, args.zoom, True if args.presentation else None,
                   view=views[0] if views else None, lesson=args.lesson)


if __name__ == "__main__":
    sys.exit(main())
