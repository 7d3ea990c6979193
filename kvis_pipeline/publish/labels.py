"""The Danish words readers see for what the publication says in codes: why a cell is hidden, and the workbook's
sheet names (Excel allows 31 characters). Reports and the workbook take them from here."""

SUPPRESSED = "for få svar"
DISCREET = "udeladt af hensyn til diskretion"
# what a hidden cell reads, by the reason the publication gives (marts' `suppression`)
HIDDEN_TEXT = {"too_few_answers": SUPPRESSED, "small_group": DISCREET, "complementary": DISCREET}

SHEET_NAMES = {
    "questionnaire_items": "Spørgsmål",
    "questionnaire_changes": "Ændringer i spørgeskemaet",
    "cluster_response": "Deltagelse, klynger",
    "specialty_response": "Deltagelse, specialer",
    "national_response": "Deltagelse, landet",
    "cluster_results": "Resultater, klynger",
    "specialty_results": "Resultater, specialer",
    "national_results": "Resultater, landet",
    "cluster_distribution": "Svarfordeling, klynger",
    "specialty_distribution": "Svarfordeling, specialer",
    "national_distribution": "Svarfordeling, landet",
    "cluster_trends": "Udvikling, klynger",
    "specialty_trends": "Udvikling, specialer",
    "national_trends": "Udvikling, landet",
    "cluster_response_trends": "Udvikling i deltagelse, klynger",
    "specialty_response_trends": "Udvikling i deltagelse, spec.",
    "national_response_trends": "Udvikling i deltagelse, landet",
    "load_summary": "Indlæsning",
}
ABOUT_SHEET = "Om tabellerne"
