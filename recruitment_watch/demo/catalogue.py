"""The fixed vocabulary the demo generator draws from: corridors, currencies, languages, jobs, names.

Wage levels are illustrative monthly figures for the demo [INFERRED], not statistics.
"""

from __future__ import annotations

ORIGINS = {
    # country: (currency, languages, licence authority, name of the country's agencies)
    "PK": ("PKR", ("ur", "pa"), "Bureau of Emigration and Overseas Employment", "Overseas Employment Promoters"),
    "BD": ("BDT", ("bn",), "Bureau of Manpower, Employment and Training", "Recruiting Agency"),
    "IN": ("INR", ("hi", "ml", "ta"), "Protector General of Emigrants", "Recruiting Agent"),
    "NP": ("NPR", ("ne",), "Department of Foreign Employment", "Manpower Agency"),
    "PH": ("PHP", ("tl", "en"), "Department of Migrant Workers", "Manpower Services"),
}

DESTINATIONS = {
    # country: (currency, official language, cities)
    "SA": ("SAR", "ar", ("Riyadh", "Jeddah", "Dammam")),
    "QA": ("QAR", "ar", ("Doha", "Al Wakrah", "Lusail")),
    "AE": ("AED", "ar", ("Dubai", "Abu Dhabi", "Sharjah")),
    "KW": ("KWD", "ar", ("Kuwait City", "Hawalli")),
    "IT": ("EUR", "it", ("Milano", "Latina", "Foggia")),
    "DE": ("EUR", "de", ("Berlin", "München", "Hamburg")),
}

# (sector, ISCO-08 unit group, job title, typical monthly basic wage in destination minor units by currency)
JOBS = (
    ("construction", "7112", "Mason", {"SAR": 150000, "QAR": 140000, "AED": 150000, "KWD": 12000, "EUR": 190000}),
    ("construction", "9313", "Building labourer", {"SAR": 120000, "QAR": 110000, "AED": 120000, "KWD": 9500, "EUR": 170000}),
    ("domestic_work", "9111", "Domestic worker", {"SAR": 150000, "QAR": 150000, "AED": 150000, "KWD": 12000, "EUR": 160000}),
    ("hospitality", "5120", "Cook", {"SAR": 200000, "QAR": 180000, "AED": 200000, "KWD": 15000, "EUR": 200000}),
    ("hospitality", "9412", "Kitchen helper", {"SAR": 130000, "QAR": 120000, "AED": 130000, "KWD": 10000, "EUR": 165000}),
    ("transport", "8322", "Car driver", {"SAR": 200000, "QAR": 190000, "AED": 210000, "KWD": 16000, "EUR": 210000}),
    ("agriculture", "9211", "Farm hand", {"SAR": 110000, "QAR": 105000, "AED": 110000, "KWD": 9000, "EUR": 150000}),
    ("health", "3221", "Nursing associate", {"SAR": 450000, "QAR": 420000, "AED": 450000, "KWD": 36000, "EUR": 280000}),
    ("manufacturing", "8121", "Metal processing operator", {"SAR": 160000, "QAR": 150000, "AED": 160000, "KWD": 13000, "EUR": 220000}),
    ("security", "5414", "Security guard", {"SAR": 140000, "QAR": 130000, "AED": 140000, "KWD": 11000, "EUR": 190000}),
)  # fmt: skip

AGENCY_WORDS = (
    "Al-Noor", "Crescent", "Everest", "Sagarmatha", "Karnaphuli", "Padma", "Indus", "Ravi", "Kaveri", "Ganga",
    "Pearl", "Luzon", "Visayas", "Himal", "Sunrise", "Golden Gate", "Silk Route", "Horizon", "Bridge", "Trust",
)  # fmt: skip
EMPLOYER_WORDS = (
    "Gulf", "Desert Rose", "Falcon", "Oasis", "Marina", "Dune", "Palm", "Harbour", "Summit", "Atlas", "Lagoon",
    "Mirage", "Cedar", "Olive", "Alpine", "Rhine", "Adriatic", "Saffron", "Lantern", "Meridian",
)  # fmt: skip
EMPLOYER_SUFFIXES = ("Contracting", "Trading", "Facilities", "Hospitality", "Logistics", "Agro", "Services")
FIRST_NAMES = (
    "Aisha", "Rahim", "Sunita", "Ram", "Maria", "Jose", "Fatima", "Imran", "Nasrin", "Karim", "Priya", "Arjun",
    "Sita", "Bishnu", "Rosa", "Mark", "Shabnam", "Bilal", "Rina", "Dipesh",
)  # fmt: skip
LAST_NAMES = (
    "Khan", "Hossain", "Sharma", "Thapa", "Santos", "Reyes", "Akhtar", "Rahman", "Gurung", "Nair", "Begum",
    "Cruz", "Tamang", "Iqbal", "Das", "Mendoza",
)  # fmt: skip

FEE_PAYEES = ("agency", "sub_agent", "medical_centre", "training_centre", "government", "employer")
COMPLAINT_CATEGORIES = (
    "unpaid_wages", "fees", "contract_substitution", "passport_retention", "deception", "harassment_violence",
    "excessive_hours", "living_conditions", "termination_repatriation", "other",
)  # fmt: skip
CRITICAL_CATEGORIES = {"harassment_violence", "passport_retention"}

# Planted agency profiles, by the agency's seeding index (``reference._seed_agency``), so the ranking's quality can be
# measured against known good and bad actors (``recruitment-watch bench risk``). Only the generator and the
# benchmark read them; the risk score never does. Every rate is [INFERRED]: the typical agency's fees (a service fee
# of 0.5-3 months' wage from a third of the workers, an illegitimate charge from 2 %) sit within the recruitment
# costs the KNOMAD-ILO Recruitment Cost Surveys report for South Asian workers in the Gulf (about one to nine months'
# earnings, highest for Pakistan and Bangladesh to Saudi Arabia, lowest for the Philippines) [RECALLED, not retrieved].
PROFILES = {
    # name: passport held by the agency or employer, substitution at destination, illegitimate fee, recruitment
    # service fee taken from the worker, its scale in months' wages, village broker, complaint, contract not in the
    # worker's language
    "typical": {"held": 0.05, "substitution": 0.08, "illegitimate": 0.02, "service_fee": 0.35, "fee_scale": (0.5, 3.0),
                "broker": 0.10, "complaint": 0.012, "missing_language": 0.1},
    "clean": {"held": 0.0, "substitution": 0.0, "illegitimate": 0.0, "service_fee": 0.0, "fee_scale": (0.5, 1.0),
              "broker": 0.0, "complaint": 0.004, "missing_language": 0.0},
    "passport_retention": {"held": 0.8, "substitution": 0.1, "illegitimate": 0.05, "service_fee": 0.5,
                           "fee_scale": (1.0, 3.0), "broker": 0.15, "complaint": 0.03, "missing_language": 0.1},
    "substitution": {"held": 0.1, "substitution": 0.9, "illegitimate": 0.05, "service_fee": 0.5,
                     "fee_scale": (0.5, 3.0), "broker": 0.1, "complaint": 0.03, "missing_language": 0.5},
    "high_fees": {"held": 0.08, "substitution": 0.1, "illegitimate": 0.5, "service_fee": 0.9, "fee_scale": (3.0, 6.0),
                  "broker": 0.4, "complaint": 0.03, "missing_language": 0.1},
}  # fmt: skip
# Seeding index → profile; the others are "typical". Bad actors of several sizes (index 1 is large, 17 small), three
# clean agencies.
PLANTED = {1: "passport_retention", 6: "substitution", 10: "high_fees", 17: "passport_retention", 3: "clean",
           13: "clean", 22: "clean"}  # fmt: skip
BAD_PROFILES = frozenset({"passport_retention", "substitution", "high_fees"})
# Agency sizes: the last TINY_AGENCIES agencies share TINY_SHARE of the contracts (a handful each in a small demo);
# the others follow a power law (the first is the largest).
TINY_AGENCIES = 5
TINY_SHARE = 0.01


def profile_of(index: int) -> str:
    """The planted profile of the agency seeded ``index``-th."""
    return PLANTED.get(index, "typical")
