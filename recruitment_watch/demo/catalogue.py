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
