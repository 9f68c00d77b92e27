"""How a page hides an element from its readers (and not from search engines): inline styles and the
well-known tricks of link-spam injections. Pure functions over a tag name and its attributes."""

from __future__ import annotations

import regex

# Offsets past this many CSS pixels (to the left or top) put an element off the screen.
OFF_SCREEN_PX = 500
_UNIT_PX = {"": 1, "px": 1, "pt": 4 / 3, "pc": 16, "in": 96, "cm": 37.8, "mm": 3.78, "q": 0.945,
            "em": 16, "rem": 16, "ex": 8, "ch": 8, "vw": 10, "vh": 10, "vmin": 10, "vmax": 10, "%": 10}
_NUMBER = regex.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([a-z%]*)")
_OFFSETS = ("left", "top", "right", "bottom", "margin-left", "margin-top", "text-indent")


def style_declarations(style: str) -> dict[str, str]:
    """``display: none; Color:RED !important`` → ``{"display": "none", "color": "red"}``."""
    out: dict[str, str] = {}
    for decl in style.split(";"):
        name, sep, value = decl.partition(":")
        if not sep:
            continue
        value = value.strip().lower()
        if value.endswith("!important"):
            value = value[: -len("!important")].strip()
        out[name.strip().lower()] = value
    return out


def length_px(value: str) -> float | None:
    """A CSS length in pixels (``-999em`` → -15984.0); None when it is not one number with a unit."""
    m = _NUMBER.fullmatch(value.strip()) if value else None
    if not m or m.group(2) not in _UNIT_PX:
        return None
    return float(m.group(1)) * _UNIT_PX[m.group(2)]


def _is_zero(value: str | None) -> bool:
    px = length_px(value) if value else None
    return px is not None and px == 0


def hiding_trick(tag: str, attrs: dict[str, str | None]) -> str | None:
    """How this element is hidden (``display:none``, ``text-indent:-9999px``, ...), or None if it is not."""
    if "style" not in attrs and tag != "marquee":
        return "hidden attribute" if "hidden" in attrs else None
    if "hidden" in attrs:
        return "hidden attribute"
    css = style_declarations(attrs.get("style") or "")
    if css.get("display") == "none":
        return "display:none"
    if css.get("visibility") in ("hidden", "collapse"):
        return f"visibility:{css['visibility']}"
    opacity = length_px(css.get("opacity", ""))
    if opacity is not None and opacity <= 0.01:
        return "opacity:0"
    if _is_zero(css.get("font-size")):
        return "font-size:0"
    for prop in _OFFSETS:
        px = length_px(css.get(prop, ""))
        if px is not None and px <= -OFF_SCREEN_PX and (prop in ("text-indent", "margin-left", "margin-top")
                                                         or css.get("position") in ("absolute", "fixed")):
            return f"{prop}:{css[prop]}"
    clipped = css.get("overflow") in ("hidden", "clip") or tag == "marquee"
    for prop in ("height", "max-height", "width", "max-width"):
        if clipped and _is_zero(css.get(prop)):
            return f"{prop}:0" + (" marquee" if tag == "marquee" else "")
    if tag == "marquee":
        for attr in ("height", "width"):
            px = length_px(attrs.get(attr) or "")
            if px is not None and px <= 1:
                return f"marquee {attr}={attrs[attr]}"
    if css.get("transform", "").replace(" ", "") in ("scale(0)", "scale(0,0)"):
        return "transform:scale(0)"
    clip = css.get("clip", "").replace(" ", "").replace("px", "")
    if clip in ("rect(0,0,0,0)", "rect(0000)"):
        return "clip:rect(0)"
    return None
