"""Render a report page in headless Chromium and write a PNG (and, with --pdf, an A4 PDF).

Checks the page as a reader sees it: fonts, layout and SVG as a real browser draws
them, and how it prints. Needs Chromium (Debian: `apt-get install chromium`); the
tests do not.

    python scripts/screenshot_report.py docs/report-example/report.html docs/report-example/report.png
    python scripts/screenshot_report.py report/report.html shot.png --width 1200 --height 2400 --pdf report.pdf
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "chrome", "chromium-headless-shell")


def find_browser(name: str | None = None) -> str:
    """The path of a Chromium-like browser: ``name`` if given, else the first one on PATH."""
    for candidate in [name] if name else BROWSERS:
        path = shutil.which(candidate) if candidate else None
        if path:
            return path
    sys.exit(f"no Chromium found (tried {', '.join([name] if name else BROWSERS)}); install it, e.g. apt-get install chromium")


def run_browser(browser: str, page: Path, *arguments: str, timeout: int = 120) -> None:
    with tempfile.TemporaryDirectory(prefix="stance-chromium-") as profile:
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={profile}",
            "--force-device-scale-factor=1",
            *arguments,
            page.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            sys.exit(f"{browser} failed ({result.returncode}):\n{result.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", type=Path, help="the HTML file (report.html)")
    parser.add_argument("png", type=Path, help="the PNG to write")
    parser.add_argument("--width", type=int, default=1200, help="window width in CSS pixels")
    parser.add_argument("--height", type=int, default=1700, help="window height: the PNG shows the page's top this tall")
    parser.add_argument("--pdf", type=Path, help="also print the page to this A4 PDF (check how it prints)")
    parser.add_argument("--browser", help="browser executable [default: the first Chromium on PATH]")
    args = parser.parse_args()
    if not args.page.is_file():
        sys.exit(f"{args.page}: no such file")
    browser = find_browser(args.browser)
    args.png.parent.mkdir(parents=True, exist_ok=True)
    run_browser(browser, args.page, f"--window-size={args.width},{args.height}", f"--screenshot={args.png.resolve()}")
    print(f"Wrote {args.png} ({args.width}x{args.height})")
    if args.pdf:
        run_browser(browser, args.page, "--no-pdf-header-footer", f"--print-to-pdf={args.pdf.resolve()}")
        print(f"Wrote {args.pdf}")


if __name__ == "__main__":
    main()
