"""What the CRM's calls, visits, meetings, e-mails and notes say, by purpose."""

from __future__ import annotations

NOTES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "review": (
        ("[Quarterly|Annual] account review", "Business review {year}", "Account planning"),
        (
            "Went through [the installed base|open quotes|the spare parts forecast] with "
            "{contact}. [Customer is happy with service response.|They plan a line extension next "
            "year.|Next step: proposal for a service contract.]",
            "Review with {contact}: [uptime good|no open issues|two open tickets discussed]. "
            "[Agreed to meet again next quarter.|Summary sent by e-mail.]",
        ),
    ),
    "check_in": (
        ("Check-in call", "Call with {contact}", "Catch-up"),
        (
            "[Short|Quick] call with {contact}. [All fine.|Asked about the upcoming shutdown.|"
            "Mentioned budget planning for next year.]",
        ),
    ),
    "update": (
        ("News from Brenner", "Product update", "Invitation to our customer day"),
        (
            "Sent {contact} [information on the new IE4 motor option|the invitation to our "
            "customer day|the updated spare parts price list].",
        ),
    ),
    "quote_followup": (
        ("Follow-up on offer", "Quote follow-up"),
        (
            "Followed up on our offer for [a new {model}|spare parts]. {contact} [will decide next "
            "month|needs internal approval|asked for a revised price].",
        ),
    ),
    "forecast": (
        ("Spare parts forecast", "Shutdown planning"),
        ("Discussed spare parts needs for the [spring|autumn] shutdown with {contact}.",),
    ),
    "service_visit": (
        ("Service visit – {model}", "Site visit {serial}", "Preventive maintenance visit"),
        (
            "[Annual maintenance|Inspection|Oil change and filter service] on {model} {serial}. "
            "[No findings.|Replaced wear parts.|Recommended a bearing exchange at the next stop.]",
        ),
    ),
    "technical": (
        ("Technical question {model}", "Application support"),
        (
            "{contact} asked about [a duty point change|material compatibility|an upgrade to IE4 "
            "motors] for the {model}. [Sent the data sheet.|Will check and revert.]",
        ),
    ),
    "delivery": (
        ("Delivery update", "Order status"),
        ("Informed {contact} about the delivery status of their open orders.",),
    ),
    "exec": (
        ("Executive check-in", "Management meeting"),
        (
            "Met {contact} [at their site|at a trade fair|for dinner]. [Relationship good.|"
            "Discussed a long-term framework agreement.]",
        ),
    ),
    "quality": (
        ("Quality review", "8D follow-up"),
        ("Reviewed open quality topics with {contact}.",),
    ),
    "payment": (
        ("Overdue invoice {order}", "Payment reminder"),
        (
            "Reminder sent: invoice for order {order} is overdue by {days} days.",
            "Called {contact} about the overdue invoice for {order}; payment promised [next week|"
            "by month end].",
        ),
    ),
    "detractor_followup": (
        ("Follow-up on NPS feedback", "Call about survey response"),
        (
            "Called {contact} about their NPS score of {score}. [Listened to their concerns|"
            "Discussed their feedback] and agreed [next steps|a visit].",
        ),
    ),
    "problem_note": (
        ("Customer frustrated – {issue}", "Escalation: {issue}"),
        (
            "{contact} is [frustrated|very unhappy] about [repeated|recurring] {issue}. [They "
            "question our quality.|Their management is involved now.]",
        ),
    ),
    "price_note": (
        ("Competitor pressure", "Pricing discussion"),
        (
            "{contact} mentioned that {competitor} quoted ~{pct}% below our price.",
            "Customer asks for a price reduction; {competitor} offers [similar pumps|spare parts] "
            "cheaper.",
        ),
    ),
    "delivery_note": (
        ("Escalation: delivery delays", "Complaint about lead times"),
        (
            "{contact} [complained|was upset] about [late deliveries|missed delivery dates] "
            "[again|on several orders].",
        ),
    ),
    "usage_note": (
        ("Production changes at customer", "Site update"),
        (
            "{contact} mentioned [lower volumes|fewer shifts|that one line will be closed] at "
            "their plant.",
        ),
    ),
    "lost_note": (("Account lost", "Closed lost"), ("Customer lost: {reason}.",)),
}

KINDS: dict[str, tuple[str, ...]] = {
    "review": ("meeting", "visit"),
    "check_in": ("call",),
    "update": ("email",),
    "quote_followup": ("email", "call"),
    "forecast": ("call", "email", "meeting"),
    "service_visit": ("visit",),
    "technical": ("email", "call"),
    "delivery": ("email",),
    "exec": ("meeting", "visit"),
    "quality": ("meeting", "call"),
    "payment": ("email", "call"),
    "detractor_followup": ("call",),
}
"""The interaction kinds a purpose takes; purposes not listed are notes."""

ROLE_PURPOSES: dict[str, tuple[tuple[str, float], ...]] = {
    "account_owner": (
        ("review", 2),
        ("check_in", 3),
        ("update", 2),
        ("quote_followup", 3),
        ("forecast", 2),
    ),
    "executive_sponsor": (("exec", 1),),
    "service_lead": (("service_visit", 3), ("technical", 1), ("forecast", 1)),
    "technical_lead": (("technical", 1),),
    "delivery_lead": (("delivery", 1),),
    "quality_lead": (("quality", 1),),
}
ROLE_WEIGHTS: dict[str, float] = {
    "account_owner": 10,
    "service_lead": 5,
    "technical_lead": 2,
    "delivery_lead": 1.5,
    "executive_sponsor": 1,
    "quality_lead": 0.8,
}
