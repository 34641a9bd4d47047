"""The service categories: the ONDC SRV taxonomy plus the Seva Mitra extension.

SRV codes come from `srv-components/enums/category.yaml` (SRV10 appliance repair, SRV11 home
infrastructure, SRV12 personal care), each served under its own domain `ONDC:SRV1x`.

Seva Mitra extension: the SRV taxonomy has no code for several trades Seva Mitra offers, so they
get codes of the form `SM-1xxx` (cook, driver, babysitter, caregiver, dog walker, event planner,
washerman).  They are served under `ONDC:SRV11` (home services at the customer's place), match an
intent for `SM-*` or `SRV11-*`, and are documented in `docs/catalogue.md`.  Buyer apps that do not
know them still see the item name and description in Hindi and English.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

EXTENSION_PREFIX: Final = "SM-"
EXTENSION_DOMAIN: Final = "ONDC:SRV11"


@dataclass(frozen=True, slots=True)
class Category:
    """A category code, the ONDC domain it is served under, and its names."""

    code: str
    domain: str
    name_en: str
    name_hi: str | None  # None: no Hindi name yet; show the English one

    @property
    def is_extension(self) -> bool:
        return self.code.startswith(EXTENSION_PREFIX)


# (code, English name) exactly as in the SRV taxonomy.
_SRV_CODES: Final[tuple[tuple[str, str], ...]] = (
    ("SRV10-1000", "Air Conditioner Cleaning"),
    ("SRV10-1001", "Air conditioner Repair"),
    ("SRV10-1002", "Air conditioner Installation"),
    ("SRV10-1003", "Air conditioner Uninstallation"),
    ("SRV10-1004", "Other Air conditioning Services"),
    ("SRV10-1005", "Air Conditioner Packages"),
    ("SRV10-1006", "Laptop/Desktop Service"),
    ("SRV10-1007", "Laptop/Desktop Inspection"),
    ("SRV10-1008", "Laptop/Desktop Repair"),
    ("SRV10-1009", "Laptop/Desktop Upgrade"),
    ("SRV10-1010", "Laptop/ Desktop Software Clean-up"),
    ("SRV10-1011", "Other Laptop/Desktop Services"),
    ("SRV10-1012", "Laptop Packages"),
    ("SRV10-1013", "Microwave repair"),
    ("SRV10-1014", "Other Microwave Service"),
    ("SRV10-1015", "Microwave packages"),
    ("SRV10-1016", "Refrigerator Check up"),
    ("SRV10-1017", "Other Refrigerator Service"),
    ("SRV10-1018", "Refrigerator packages"),
    ("SRV10-1019", "Washing Machine repair"),
    ("SRV10-1020", "Other Washing Machine service"),
    ("SRV10-1021", "Washing machine packages"),
    ("SRV10-1022", "Water Purifier Service"),
    ("SRV10-1023", "Water Purifier Repair"),
    ("SRV10-1024", "Water Purifier Installation"),
    ("SRV10-1025", "Water Purifier Uninstallation"),
    ("SRV10-1026", "Water purifier packages"),
    ("SRV10-1027", "Chimney Repair"),
    ("SRV10-1028", "Chimney Cleaning"),
    ("SRV10-1029", "Chimney Installation"),
    ("SRV10-1030", "Chimney Uninstallation"),
    ("SRV10-1031", "Other Chimney service"),
    ("SRV10-1032", "Chimney packages"),
    ("SRV10-1033", "Geyser Checkup"),
    ("SRV10-1034", "Geyser Services"),
    ("SRV10-1035", "Geyser Installation"),
    ("SRV10-1036", "Geyser Uninstallation"),
    ("SRV10-1037", "Geyser packages"),
    ("SRV10-1038", "Television Repair"),
    ("SRV10-1039", "Television Installation"),
    ("SRV10-1040", "Television Uninstallation"),
    ("SRV10-1041", "Other Television service"),
    ("SRV10-1042", "Television packages"),
    ("SRV10-1043", "Air Purifier Services"),
    ("SRV10-1044", "Air Purifier Filter Replacement"),
    ("SRV10-1045", "Air Purifier Repair"),
    ("SRV10-1046", "Air Purifier packages"),
    ("SRV11-1000", "Wall Painting"),
    ("SRV11-1001", "Wallpaper application"),
    ("SRV11-1002", "Wallpaper removal"),
    ("SRV11-1003", "Waterproofing"),
    ("SRV11-1004", "Wall Cleaning"),
    ("SRV11-1005", "Door Painting"),
    ("SRV11-1006", "Window Painting"),
    ("SRV11-1007", "Tile Grouting"),
    ("SRV11-1008", "Wall and Floor packages"),
    ("SRV11-1009", "Bathroom Cleaning"),
    ("SRV11-1010", "Home Cleaning"),
    ("SRV11-1011", "Bedroom Cleaning"),
    ("SRV11-1012", "Balcony Cleaning"),
    ("SRV11-1013", "Sofa and cushion Cleaning"),
    ("SRV11-1014", "Carpet Cleaning"),
    ("SRV11-1015", "Ceiling fan cleaning"),
    ("SRV11-1016", "Exhaust cleaning"),
    ("SRV11-1017", "Kitchen Cleaning"),
    ("SRV11-1018", "Cupboards cleaning"),
    ("SRV11-1019", "Wet Wiping"),
    ("SRV11-1020", "Househelp room cleaning"),
    ("SRV11-1021", "Cleaning Packages"),
    ("SRV11-1022", "Home Disinfection"),
    ("SRV11-1023", "Car Disinfection"),
    ("SRV11-1024", "Disinfection packages"),
    ("SRV11-1025", "Switch and Socket Repair"),
    ("SRV11-1026", "MCB and Fuse Repair"),
    ("SRV11-1027", "Wiring Repair"),
    ("SRV11-1028", "Car Electric Repair"),
    ("SRV11-1029", "Decorative Lights Installation"),
    ("SRV11-1030", "Fan Repair"),
    ("SRV11-1031", "Light Repair"),
    ("SRV11-1032", "Inverter & Stabilizer Repair"),
    ("SRV11-1033", "Door Bell Repair"),
    ("SRV11-1034", "Electrician packages"),
    ("SRV11-1035", "New Furniture building"),
    ("SRV11-1036", "Old Furniture Repair"),
    ("SRV11-1037", "Furniture Assembly"),
    ("SRV11-1038", "Upholstery"),
    ("SRV11-1039", "Furniture Repolish"),
    ("SRV11-1040", "Furniture drill and Hang"),
    ("SRV11-1041", "Carpentry packages"),
    ("SRV11-1042", "Basin and Sink repair"),
    ("SRV11-1043", "Grouting"),
    ("SRV11-1044", "Drainage Pipes Repair"),
    ("SRV11-1045", "Bath Fitting Installation"),
    ("SRV11-1046", "Toilet fixing"),
    ("SRV11-1047", "Tap & Mixer Repair"),
    ("SRV11-1048", "Water Tank Installation"),
    ("SRV11-1049", "Motor fixing"),
    ("SRV11-1050", "Water Pipe Connections"),
    ("SRV11-1051", "Water Filter Repair"),
    ("SRV11-1052", "Plumbing packages"),
    ("SRV11-1053", "Wall Hangings Installation"),
    ("SRV11-1054", "Lights installation"),
    ("SRV11-1055", "Storage"),
    ("SRV11-1056", "Key holder Installation"),
    ("SRV11-1057", "Bulbs Installation"),
    ("SRV11-1058", "Smart Lights Installation"),
    ("SRV11-1059", "Fan Installation"),
    ("SRV11-1060", "Decoration Installation"),
    ("SRV11-1061", "Assembly and Installation packages"),
    ("SRV11-1062", "Home packing"),
    ("SRV11-1063", "Unpacking"),
    ("SRV11-1064", "Packaging packages"),
    ("SRV12-1000", "Waxing"),
    ("SRV12-1001", "Bleach and Detan"),
    ("SRV12-1002", "Facials"),
    ("SRV12-1003", "Face Clean up"),
    ("SRV12-1004", "Manicure"),
    ("SRV12-1005", "Pedicure"),
    ("SRV12-1006", "Nail care"),
    ("SRV12-1007", "Hair Care"),
    ("SRV12-1008", "Hair cut"),
    ("SRV12-1009", "Threading"),
    ("SRV12-1010", "Spa and Massage"),
    ("SRV12-1011", "Makeup"),
    ("SRV12-1012", "Hair Styling"),
    ("SRV12-1013", "Laser hair Treatment"),
    ("SRV12-1014", "Shave and Beard"),
    ("SRV12-1015", "Personal Care Services Combo"),
)

_HINDI_NAMES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "SRV10-1000": "एसी की सफ़ाई",
        "SRV10-1001": "एसी मरम्मत",
        "SRV10-1002": "एसी लगाना",
        "SRV10-1019": "वॉशिंग मशीन मरम्मत",
        "SRV10-1022": "आरओ / वॉटर प्यूरीफ़ायर सर्विस",
        "SRV10-1023": "आरओ / वॉटर प्यूरीफ़ायर मरम्मत",
        "SRV10-1016": "फ़्रिज जाँच",
        "SRV10-1034": "गीज़र सर्विस",
        "SRV11-1000": "दीवार की पुताई",
        "SRV11-1009": "बाथरूम की सफ़ाई",
        "SRV11-1010": "घर की सफ़ाई",
        "SRV11-1017": "रसोई की सफ़ाई",
        "SRV11-1025": "स्विच और सॉकेट मरम्मत",
        "SRV11-1027": "वायरिंग मरम्मत",
        "SRV11-1030": "पंखा मरम्मत",
        "SRV11-1036": "पुराने फ़र्नीचर की मरम्मत",
        "SRV11-1037": "फ़र्नीचर जोड़ना",
        "SRV11-1042": "वॉश बेसिन और सिंक मरम्मत",
        "SRV11-1044": "नाली पाइप मरम्मत",
        "SRV11-1046": "शौचालय मरम्मत",
        "SRV11-1047": "नल और मिक्सर मरम्मत",
        "SRV11-1059": "पंखा लगाना",
        "SRV12-1002": "फ़ेशियल",
        "SRV12-1008": "बाल कटाई",
        "SRV12-1011": "मेकअप",
        "SRV12-1015": "ब्यूटी पार्लर कॉम्बो (घर पर)",
    }
)

# The Seva Mitra extension: (code, English name, Hindi name).
_EXTENSION_CODES: Final[tuple[tuple[str, str, str], ...]] = (
    ("SM-1000", "Cook", "रसोइया"),
    ("SM-1001", "Driver", "ड्राइवर"),
    ("SM-1002", "Babysitter", "बच्चों की देखभाल (आया)"),
    ("SM-1003", "Caregiver", "बुज़ुर्ग / रोगी देखभाल"),
    ("SM-1004", "Dog walker", "कुत्ता घुमाने वाला"),
    ("SM-1005", "Event planner", "कार्यक्रम आयोजक"),
    ("SM-1006", "Washerman", "धोबी"),
)


def _domain_of(code: str) -> str:
    return f"ONDC:{code.split('-', 1)[0]}"


CATEGORIES: Final[Mapping[str, Category]] = MappingProxyType(
    {
        **{
            code: Category(code, _domain_of(code), name_en, _HINDI_NAMES.get(code))
            for code, name_en in _SRV_CODES
        },
        **{
            code: Category(code, EXTENSION_DOMAIN, name_en, name_hi)
            for code, name_en, name_hi in _EXTENSION_CODES
        },
    }
)


def category_matches(pattern: str, category: Category) -> bool:
    """An intent's category id against a category: exact code, or a `PREFIX-*` wildcard.

    `SRV11-*` also matches the extension codes, because they are served under ONDC:SRV11.
    """
    if not pattern.endswith("-*"):
        return pattern == category.code
    prefix = pattern[:-1]
    if category.code.startswith(prefix):
        return True
    return category.is_extension and f"ONDC:{pattern[:-2]}" == category.domain
