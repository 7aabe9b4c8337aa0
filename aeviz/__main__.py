"""aeviz command line: the GUI by default, subcommands for headless work.

    aeviz                                  start the app
    aeviz --lang fr --theme dark           start with these settings
    aeviz --screenshot DIR [--zoom 2]      render every page to DIR/<page>.png and exit
    aeviz --self-test [--verbose]          check data, convolution, training and pages; "OK" or exit 1
    aeviz train --model mlp --latent 2 --epochs 5 --out model.aeviz
                                           train headless (see aeviz train --help)
"""

from __future__ import annotations

import argparse
import sys

THEMES = ("light", "dark", "high-contrast")


def _zoom(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"zoom must be a number, not {text!r}")
    if not 0.5 <= value <= 3.0:
        raise argparse.ArgumentTypeError(f"zoom must be between 0.5 and 3, not {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aeviz", description="Touch autoencoders and (transposed) convolutions.")
    parser.add_argument("--lang", choices=("fr", "en"), help="interface language (default: system locale)")
    parser.add_argument("--theme", choices=THEMES, help="colour theme")
    parser.add_argument("--zoom", type=_zoom, help="zoom factor, 0.5 to 3")
    parser.add_argument("--presentation", action="store_true", help="full screen, scaled for a projector")
    parser.add_argument("--screenshot", metavar="DIR", help="render every page to DIR/<page>.png and exit")
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
    args = parser.parse_args(argv)
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
            files = render_screenshots(args.screenshot, args.lang, args.theme, args.zoom, args.presentation)
        except OSError as exc:
            print(f"aeviz: cannot write the screenshots: {exc}", file=sys.stderr)
            return 1
        for path in files:
            print(path)
        return 0
    from aeviz.ui.app import run_gui
    return run_gui(args.lang, args.theme, args.zoom, True if args.presentation else None)


if __name__ == "__main__":
    sys.exit(main())
