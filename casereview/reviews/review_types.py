"""The review types Casereview ships with, as data. Loaded by a migration; boards may add their own."""

SERIOUS_CASE_REVIEW = {
    "code": "SCR",
    "name": "Serious Case Review",
    "stages": [
        "referral",
        "decision",
        "set_up",
        "agency_reviews",
        "overview",
        "consultation",
        "endorsement",
        "submission",
        "learning",
        "closed",
    ],
    # The grounds of the leaflet (Working Together 2010, chapter 8).
    "decision_grounds": [
        {
            "code": "child_died",
            "label": "A child has died and abuse or neglect is known or suspected to be a factor in the death",
            "requires_review": True,
        },
        {
            "code": "serious_injury",
            "label": "A child sustained a potentially life-threatening injury or serious and permanent "
            "impairment of health and development through abuse or neglect",
            "requires_review": False,
        },
        {
            "code": "sexual_abuse",
            "label": "A child has been subjected to particularly serious sexual abuse",
            "requires_review": False,
        },
        {
            "code": "parent_murdered",
            "label": "A parent has been murdered and a homicide review is being initiated",
            "requires_review": False,
        },
        {
            "code": "killed_by_parent_mental_illness",
            "label": "A child has been killed by a parent with a mental illness",
            "requires_review": False,
        },
        {
            "code": "inter_agency_concerns",
            "label": "The case gives rise to concerns about inter-agency working to protect children from harm",
            "requires_review": False,
        },
    ],
    # The panel of the leaflet: senior managers of these agencies and a legal adviser; others may be co-opted.
    "panel_seats": [
        {"code": "childrens_services", "label": "Children's services", "agency_kinds": ["childrens_social_care"]},
        {"code": "adult_services", "label": "Adult services", "agency_kinds": ["adult_social_care"]},
        {"code": "health_commissioner", "label": "Health commissioner", "agency_kinds": ["health_commissioner"]},
        {"code": "nhs_trust", "label": "NHS trust", "agency_kinds": ["nhs_trust"]},
        {"code": "police", "label": "Police", "agency_kinds": ["police"]},
        {"code": "probation", "label": "Probation", "agency_kinds": ["probation"]},
        {"code": "legal_adviser", "label": "Legal adviser", "position": "legal_adviser"},
    ],
    "deadline_rules": [
        {
            "key": "decision",
            "label": "Decision",
            "starts_from": "referral",
            "met_by": "decision",
            "amount": 1,
            "unit": "months",
        },
        {
            "key": "completion",
            "label": "Completion",
            "starts_from": "decision",
            "met_by": "endorsement",
            "amount": 6,
            "unit": "months",
        },
    ],
}
