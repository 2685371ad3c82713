"""Draw the app's favicon, data/favicon.png: a white rocket on the product's blue, 64 x 64 px.

    python tools/make_favicon.py

streamlit_app.py passes the file as ``page_icon``, so Streamlit serves it from the app's own
host. A Material icon name (":material/rocket_launch:") makes the browser fetch the icon from
Google's font CDN instead: offline, every page then logged a failed request.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "data" / "favicon.png"
SIZE_PX = 64
SCALE = 8                       # drawn 8x larger, then downsampled: smooth edges without a font
BLUE = (37, 99, 235, 255)       # the first colour of the product's palette (pdf.py PALETTE)
WHITE = (255, 255, 255, 255)


def draw() -> Image.Image:
    s = SIZE_PX * SCALE
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=BLUE)

    def px(x: float, y: float) -> tuple[float, float]:     # a 64-unit grid, whatever the scale
        return x * s / 64, y * s / 64

    d.polygon([px(32, 8), px(41, 22), px(41, 42), px(23, 42), px(23, 22)], fill=WHITE)   # body
    d.polygon([px(23, 30), px(14, 44), px(23, 42)], fill=WHITE)                         # left fin
    d.polygon([px(41, 30), px(50, 44), px(41, 42)], fill=WHITE)                         # right fin
    d.polygon([px(27, 45), px(37, 45), px(32, 56)], fill=(250, 204, 21, 255))           # flame
    d.ellipse((*px(28, 22), *px(36, 30)), fill=BLUE)                                    # window
    return img.resize((SIZE_PX, SIZE_PX), Image.Resampling.LANCZOS)


def main() -> int:
    draw().save(OUT, optimize=True)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
