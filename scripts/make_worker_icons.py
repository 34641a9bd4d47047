"""Draw the worker app's home-screen icons (bpp/worker_app/static/icon-*.png) with Pillow.

A white house with a saffron door on Seva Mitra green: shapes only, so no font is needed. The "any" icons have
rounded corners; the maskable one fills its square and keeps the house inside the central circle the launcher
may cut to (80 % of the side). Run it again after changing the drawing and commit the PNGs:

    pip install -e ".[icons]" && python scripts/make_worker_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (11, 93, 59, 255)  # the app's theme colour, #0b5d3b
WHITE = (255, 255, 255, 255)
SAFFRON = (245, 158, 11, 255)
SUPERSAMPLE = 4  # drawn this many times larger, then scaled down for smooth edges
STATIC = Path(__file__).resolve().parent.parent / "bpp" / "worker_app" / "static"


def draw(size: int, *, maskable: bool) -> Image.Image:
    side = size * SUPERSAMPLE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, side, side), fill=GREEN)
        scale = 0.62  # the house fits the launcher's safe circle
    else:
        pen.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=GREEN)
        scale = 0.78

    def at(x: float, y: float) -> tuple[float, float]:
        """A point of the house drawn on a unit square, centred in the icon."""
        offset = (1 - scale) / 2
        return (offset + x * scale) * side, (offset + y * scale) * side

    pen.polygon([at(0.5, 0.05), at(0.98, 0.47), at(0.02, 0.47)], fill=WHITE)  # roof
    pen.rectangle((*at(0.16, 0.44), *at(0.84, 0.95)), fill=WHITE)  # walls
    pen.rounded_rectangle((*at(0.40, 0.60), *at(0.60, 0.95)), radius=side // 60, fill=SAFFRON)  # door
    pen.ellipse((*at(0.45, 0.22), *at(0.55, 0.32)), fill=GREEN)  # round window under the roof
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True)):
        draw(size, maskable=maskable).save(STATIC / name, optimize=True)
        print(STATIC / name)


if __name__ == "__main__":
    main()
