"""The demo catalogue: Seva Mitra Lucknow (std:0522) at Hazratganj with every trade it offers.

Idempotent: a provider or item that already exists is left as staff may have changed it.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Final

from bpp.catalogue.repo import CatalogRepo
from bpp.catalogue.service import CatalogService
from bpp.storage.db import Database
from catalog.model import DEFAULT_CANCELLATION_TERMS, Availability, CancellationTerm, Provider, ServiceItem

ACTOR: Final = "system:demo-seed"
GST: Final = Decimal("18")
NO_GST: Final = Decimal("0")  # domestic help (cook, driver, babysitter, caregiver) is not GST-registered work

LUCKNOW: Final = Provider(
    id="SM-LKO",
    city="std:0522",
    name_en="Seva Mitra Lucknow",
    name_hi="सेवा मित्र लखनऊ",
    gps="26.8467,80.9462",
    address="Seva Mitra Kendra, Hazratganj, Lucknow, Uttar Pradesh",
    area_code="226001",
    city_name="Lucknow",
)

_DAYTIME: Final = Availability()  # every day 08:00-20:00, 60-minute arrival windows
_WEEKDAYS: Final = Availability(days=frozenset(range(1, 7)), opens=time(9, 0), closes=time(19, 0))
_LONG_DAY: Final = Availability(opens=time(6, 0), closes=time(22, 0), slot_minutes=120)
_CARE_TERMS: Final = (
    CancellationTerm("Pending", fee_amount=Decimal("0")),
    CancellationTerm("In-Transit", fee_amount=Decimal("100"), reason_required=True),
    CancellationTerm("At-Location", fee_percent=Decimal("50"), reason_required=True),
)

# (id, category, English name, Hindi name, English description, Hindi description, fee, minutes, GST %)
_ITEMS: Final[tuple[tuple[str, str, str, str, str, str, str, int, Decimal], ...]] = (
    (
        "SM-LKO-AC-SERVICE",
        "SRV10-1000",
        "AC service (split or window)",
        "एसी सर्विस (स्प्लिट या विंडो)",
        "Jet cleaning of filters, coil and drain; gas pressure check.",
        "फ़िल्टर, कॉइल व ड्रेन की जेट सफ़ाई; गैस प्रेशर जाँच।",
        "499",
        60,
        GST,
    ),
    (
        "SM-LKO-AC-REPAIR",
        "SRV10-1001",
        "AC repair visit",
        "एसी मरम्मत विज़िट",
        "Diagnosis and minor repair; parts billed separately at MRP.",
        "जाँच और छोटी मरम्मत; पुर्ज़े MRP पर अलग से।",
        "349",
        60,
        GST,
    ),
    (
        "SM-LKO-RO-SERVICE",
        "SRV10-1022",
        "RO water purifier service",
        "आरओ वॉटर प्यूरीफ़ायर सर्विस",
        "Filter cleaning, TDS check and leak fixing.",
        "फ़िल्टर सफ़ाई, TDS जाँच और लीकेज ठीक करना।",
        "399",
        45,
        GST,
    ),
    (
        "SM-LKO-WASHING-MACHINE",
        "SRV10-1019",
        "Washing machine repair visit",
        "वॉशिंग मशीन मरम्मत विज़िट",
        "Diagnosis and minor repair of top or front load machines.",
        "टॉप या फ़्रंट लोड मशीन की जाँच व छोटी मरम्मत।",
        "299",
        60,
        GST,
    ),
    (
        "SM-LKO-PLUMBER-TAP",
        "SRV11-1047",
        "Plumber visit: tap and mixer repair",
        "प्लंबर विज़िट: नल और मिक्सर मरम्मत",
        "Fix a leaking or jammed tap or mixer; washers included.",
        "टपकते या जाम नल/मिक्सर की मरम्मत; वॉशर शामिल।",
        "199",
        45,
        GST,
    ),
    (
        "SM-LKO-PLUMBER-DRAIN",
        "SRV11-1044",
        "Plumber visit: drain and pipe repair",
        "प्लंबर विज़िट: नाली और पाइप मरम्मत",
        "Clear a blocked drain or repair a leaking pipe joint.",
        "बंद नाली खोलना या रिसते पाइप जोड़ की मरम्मत।",
        "299",
        60,
        GST,
    ),
    (
        "SM-LKO-ELECTRICIAN",
        "SRV11-1025",
        "Electrician visit: switch and socket",
        "इलेक्ट्रीशियन विज़िट: स्विच और सॉकेट",
        "Repair or replace switches, sockets and boards.",
        "स्विच, सॉकेट और बोर्ड की मरम्मत या बदलना।",
        "199",
        45,
        GST,
    ),
    (
        "SM-LKO-FAN-INSTALL",
        "SRV11-1059",
        "Ceiling fan installation",
        "छत का पंखा लगाना",
        "Install one ceiling fan on an existing hook.",
        "मौजूदा हुक पर एक पंखा लगाना।",
        "249",
        45,
        GST,
    ),
    (
        "SM-LKO-CARPENTER",
        "SRV11-1036",
        "Carpenter visit: furniture repair",
        "बढ़ई विज़िट: फ़र्नीचर मरम्मत",
        "Fix hinges, handles, locks and loose joints.",
        "कब्ज़े, हैंडल, ताले और ढीले जोड़ ठीक करना।",
        "249",
        60,
        GST,
    ),
    (
        "SM-LKO-HOME-CLEANING",
        "SRV11-1010",
        "Home deep cleaning (2 BHK)",
        "घर की गहरी सफ़ाई (2 BHK)",
        "Two cleaners, floors, kitchen, bathrooms and windows.",
        "दो सफ़ाईकर्मी: फ़र्श, रसोई, बाथरूम व खिड़कियाँ।",
        "2499",
        300,
        GST,
    ),
    (
        "SM-LKO-BATHROOM-CLEANING",
        "SRV11-1009",
        "Bathroom cleaning",
        "बाथरूम की सफ़ाई",
        "Tiles, fittings and toilet descaled and disinfected.",
        "टाइल, फ़िटिंग व शौचालय की सफ़ाई और कीटाणुनाशन।",
        "399",
        60,
        GST,
    ),
    (
        "SM-LKO-PAINTING",
        "SRV11-1000",
        "Wall painting (one room, labour)",
        "दीवार की पुताई (एक कमरा, मज़दूरी)",
        "One room up to 120 sq ft floor area; paint supplied by you.",
        "120 वर्ग फ़ुट तक एक कमरा; पेंट आप देंगे।",
        "1999",
        480,
        GST,
    ),
    (
        "SM-LKO-BEAUTICIAN",
        "SRV12-1015",
        "Beautician at home: facial and threading",
        "घर पर ब्यूटीशियन: फ़ेशियल और थ्रेडिंग",
        "Woman beautician; fruit facial, eyebrow threading.",
        "महिला ब्यूटीशियन; फ्रूट फ़ेशियल, आईब्रो थ्रेडिंग।",
        "599",
        90,
        GST,
    ),
    (
        "SM-LKO-HAIRCUT",
        "SRV12-1008",
        "Haircut at home",
        "घर पर बाल कटाई",
        "Haircut for one adult or child.",
        "एक वयस्क या बच्चे की बाल कटाई।",
        "199",
        30,
        GST,
    ),
    (
        "SM-LKO-COOK",
        "SM-1000",
        "Cook for a meal (up to 4 people)",
        "रसोइया: एक समय का खाना (4 लोग तक)",
        "Home-style North Indian meal with your ingredients.",
        "आपकी सामग्री से घर जैसा उत्तर भारतीय खाना।",
        "349",
        120,
        NO_GST,
    ),
    (
        "SM-LKO-DRIVER",
        "SM-1001",
        "Driver for 8 hours (your car)",
        "ड्राइवर 8 घंटे (आपकी गाड़ी)",
        "Licensed driver within Lucknow city limits.",
        "लखनऊ शहर में लाइसेंसधारी ड्राइवर।",
        "899",
        480,
        NO_GST,
    ),
    (
        "SM-LKO-BABYSITTER",
        "SM-1002",
        "Babysitter for 4 hours",
        "बच्चों की देखभाल 4 घंटे",
        "Trained babysitter at your home.",
        "आपके घर पर प्रशिक्षित आया।",
        "499",
        240,
        NO_GST,
    ),
    (
        "SM-LKO-CAREGIVER",
        "SM-1003",
        "Caregiver for a day (12 hours)",
        "बुज़ुर्ग/रोगी देखभाल एक दिन (12 घंटे)",
        "Elderly or patient care: feeding, hygiene, medicines on time.",
        "भोजन, साफ़-सफ़ाई, समय पर दवा।",
        "799",
        720,
        NO_GST,
    ),
    (
        "SM-LKO-DOG-WALKER",
        "SM-1004",
        "Dog walking (45 minutes)",
        "कुत्ता घुमाना (45 मिनट)",
        "One dog, walk and water; photos on request.",
        "एक कुत्ता, सैर और पानी; माँगने पर फ़ोटो।",
        "149",
        45,
        GST,
    ),
)
_LONG_JOBS: Final = frozenset({"SM-1001", "SM-1002", "SM-1003"})


def demo_items() -> list[ServiceItem]:
    """The demo items of Seva Mitra Lucknow, published."""
    items = []
    for item_id, category, name_en, name_hi, desc_en, desc_hi, fee, minutes, tax in _ITEMS:
        long_job = category in _LONG_JOBS
        availability = _LONG_DAY if long_job else (_WEEKDAYS if category == "SRV11-1000" else _DAYTIME)
        items.append(
            ServiceItem(
                id=item_id,
                provider_id=LUCKNOW.id,
                category_id=category,
                name_en=name_en,
                name_hi=name_hi,
                description_en=desc_en,
                description_hi=desc_hi,
                fee=Decimal(fee),
                duration_minutes=minutes,
                tax_percent=tax,
                availability=availability,
                cancellation_terms=_CARE_TERMS if long_job else DEFAULT_CANCELLATION_TERMS,
                published=True,
            )
        )
    return items


async def seed_demo_catalog(db: Database, catalog: CatalogService) -> None:
    """Create the Lucknow provider and its items unless they exist."""
    async with db.connect() as conn:
        repo = CatalogRepo(conn)
        have_provider = await repo.provider(LUCKNOW.id) is not None
        existing = {item.id for item in await repo.items(LUCKNOW.id)}
    if not have_provider:
        await catalog.save_provider(LUCKNOW, actor=ACTOR)
    missing = [item for item in demo_items() if item.id not in existing]
    if missing:
        await catalog.import_items(missing, actor=ACTOR)
