"""How customers describe the recurring problems, in English and German, with many paraphrases.

Templates use ``[a|b|c]`` for alternatives and ``{slot}`` for ticket details (see
``keepwell.demo.text.render``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrasing:
    """Ways to say one problem: subject lines, symptoms, details and requests."""

    subjects: tuple[str, ...]
    symptoms: tuple[str, ...]
    details: tuple[str, ...]
    asks: tuple[str, ...]


SEAL_LEAK = {
    "en": Phrasing(
        (
            "[Leaking|Leakage at] mechanical seal – {model} {serial}",
            "Seal leak on pump {serial}",
            "{model}: [shaft seal|mechanical seal] leaking [again|]",
            "Pump {serial} losing [product|liquid] at the seal",
            "[Urgent: |]seal failure {model}",
            "Dripping pump {serial}",
        ),
        (
            "the mechanical seal on our {model} ([serial|S/N] {serial}) is leaking[ again|]",
            "we [see|noticed|found] [product|liquid|medium] [dripping|running|seeping] out at "
            "the shaft seal of pump {serial}",
            "there is a steady leak at the seal housing of the {model}",
            "the {model} is losing [fluid|product] [at|around] the mechanical seal after only "
            "{weeks} weeks of operation",
            "our operators found a puddle under pump {serial} and the seal [faces seem to be|looks]"
            " [worn|damaged]",
            "the seal on the {model} failed [again|once more] and the pump had to be "
            "[stopped|shut down]",
            "leakage at the mechanical seal of {serial}, [approx.|about] {n} drops per minute",
            "the [KP-240|{model}] [has|shows] a [seal leak|leaking seal] [on the drive end|at the "
            "shaft]",
        ),
        (
            "The seal was replaced only {weeks} weeks ago.",
            "Medium is {medium} at {temp} °C, the pump runs [24/7|in three shifts].",
            "This is the [second|third|fourth] seal [failure|leak] on [this unit|our KP-240 pumps]"
            " [this year|in a few months].",
            "We had to put a drip tray under the pump [for now|as a temporary measure].",
            "Flush plan and [operating point|duty point] are [unchanged|as specified].",
            "[The seal faces show|The dismantled seal shows] [heavy wear|scoring|heat cracks].",
        ),
        (
            "Please [send a technician|arrange a service visit] [as soon as possible|this week].",
            "[Can you|Please] [send|ship] a replacement seal kit [urgently|by express]?",
            "We need [a root-cause analysis|to understand why the seals keep failing].",
            "Please advise whether this is covered by warranty.",
            "We expect a [permanent|lasting] solution, not another [replacement|seal swap].",
        ),
    ),
    "de": Phrasing(
        (
            "Undichte Gleitringdichtung {model} {serial}",
            "Leckage an Pumpe {serial}",
            "[Gleitringdichtung|GLRD] [defekt|undicht] – {model}",
            "Pumpe {serial} tropft [an der Welle|an der Dichtung]",
        ),
        (
            "die Gleitringdichtung an unserer {model} (SN {serial}) ist [schon wieder|erneut|] "
            "undicht",
            "an der Wellendichtung der Pumpe {serial} tritt [Medium|Produkt|Flüssigkeit] aus",
            "die {model} verliert nach nur {weeks} Wochen Betrieb [Medium|Flüssigkeit] an der "
            "Dichtung",
            "unter der Pumpe {serial} hat sich eine Pfütze gebildet, die Dichtung ist "
            "[verschlissen|beschädigt]",
            "die GLRD der {model} ist [ausgefallen|defekt] und wir mussten die Pumpe abstellen",
        ),
        (
            "Die Dichtung wurde erst vor {weeks} Wochen getauscht.",
            "Fördermedium ist {medium} bei {temp} °C, die Pumpe läuft im Dreischichtbetrieb.",
            "Das ist bereits der [zweite|dritte] Dichtungsschaden [in diesem Jahr|innerhalb "
            "weniger Monate].",
            "Wir haben vorübergehend eine Auffangwanne untergestellt.",
        ),
        (
            "Bitte schicken Sie [kurzfristig|schnellstmöglich] einen Techniker.",
            "Bitte senden Sie uns einen Dichtungssatz per Express.",
            "Wir erwarten eine [dauerhafte Lösung|Ursachenanalyse].",
            "Ist das ein Garantiefall?",
        ),
    ),
}

FIRMWARE_RESET = {
    "en": Phrasing(
        (
            "[Controller|SmartCtrl] reset on compressor {serial}",
            "Compressor {serial} restarts [by itself|unexpectedly]",
            "Problems since firmware update {fw}",
            "{model} [trips|stops] and reboots",
            "SmartCtrl [loses|lost] settings after [update|restart]",
        ),
        (
            "since the update to firmware {fw} the SmartCtrl controller on our {model} restarts "
            "[randomly|several times a week|without warning]",
            "compressor {serial} [reboots|resets itself] during operation and [loses|forgets] its "
            "[pressure set points|settings]",
            "the [controller display|HMI] goes [black|dark] and the compressor stops, then it "
            "comes back after [about a minute|a few minutes]",
            "after the [software|firmware] update [last week|during the last service visit] the "
            "unit [trips|shuts down] and [resets to factory defaults|starts with default "
            "parameters]",
            "the {model} controller [keeps rebooting|has a watchdog reset] and the [compressed air "
            "supply|air network] drops",
            "we get [a|an unexpected] controller restart [on|at] {serial} [every few days|almost "
            "daily] since firmware {fw} was installed",
        ),
        (
            "The event log shows a watchdog reset [each time|before every stop].",
            "[Two|Three] of our compressors [are affected|show the same behaviour] since the "
            "update.",
            "Production had to [switch to the backup unit|run on reduced air] [twice|several "
            "times].",
            "Before the update the unit ran [without any problem|flawlessly] for {months} months.",
        ),
        (
            "Please [provide|send] a fixed firmware [version|release] or [a rollback|instructions "
            "to roll back].",
            "Can a controls engineer [look at|check] the [logs|event log] remotely?",
            "We need this fixed before our next production campaign.",
        ),
    ),
    "de": Phrasing(
        (
            "Steuerung startet neu – Kompressor {serial}",
            "Probleme seit Firmware-Update {fw}",
            "SmartCtrl [Reset|Neustart] {model}",
        ),
        (
            "seit dem Update auf Firmware {fw} startet die SmartCtrl-Steuerung unseres {model} "
            "[sporadisch|mehrmals pro Woche|ohne Vorwarnung] neu",
            "der Kompressor {serial} [bootet|startet] im Betrieb neu und [verliert|vergisst] seine "
            "[Sollwerte|Einstellungen]",
            "das Display der Steuerung wird schwarz, der Kompressor bleibt stehen und läuft nach "
            "[einer Minute|einigen Minuten] wieder an",
            "nach dem Software-Update [letzte Woche|beim letzten Servicebesuch] fällt die Anlage "
            "aus und steht auf Werkseinstellungen",
        ),
        (
            "Im Ereignisprotokoll steht jedes Mal ein Watchdog-Reset.",
            "Vor dem Update lief die Anlage {months} Monate störungsfrei.",
            "Die Druckluftversorgung ist dadurch [mehrfach|zweimal] eingebrochen.",
        ),
        (
            "Bitte stellen Sie eine korrigierte Firmware bereit.",
            "Können Sie die Logs per Fernwartung prüfen?",
            "Bitte um dringende Rückmeldung.",
        ),
    ),
}

BEARING_NOISE = {
    "en": Phrasing(
        (
            "[Noise|Loud noise] from vacuum pump {serial}",
            "High vibration {model}",
            "Bearing [noise|problem] on {model} {serial}",
            "{model} [grinding|rattling|humming loudly]",
        ),
        (
            "the {model} vacuum pump [makes|has developed] a [loud|strange|grinding] noise [from "
            "the bearing|at the motor end]",
            "vibration on pump {serial} has increased to {vib} mm/s",
            "we hear a [high-pitched|whining|rumbling] sound from the [bearing|bearing housing] of "
            "the {model}",
            "the bearing temperature on {serial} is rising and the pump [vibrates|shakes] more "
            "than usual",
            "our condition monitoring [shows|flags] [rising|high] vibration [levels|values] on the "
            "{model}",
            "the pump [rattles|runs rough] [since|after] [a few weeks|the last restart]",
        ),
        (
            "The unit has only {n} operating hours.",
            "The noise gets worse [at full load|when the vacuum is pulled down].",
            "We replaced the bearings [once already|last year] and the noise is back.",
            "Alignment and base frame were checked by our own maintenance.",
        ),
        (
            "Please send [a service engineer|someone] to [check|inspect] the bearings.",
            "Can you quote a bearing exchange [including labour|on site]?",
            "Please confirm whether we can keep running [it|the pump] until [the next shutdown|you "
            "arrive].",
        ),
    ),
    "de": Phrasing(
        (
            "Lagergeräusche an Vakuumpumpe {serial}",
            "Starke Vibrationen {model}",
            "Lagerschaden {model}?",
        ),
        (
            "die Vakuumpumpe {model} macht [laute|ungewöhnliche|schleifende] Geräusche am Lager",
            "die Schwingungen an Pumpe {serial} sind auf {vib} mm/s gestiegen",
            "die Lagertemperatur der {serial} steigt und die Pumpe vibriert stärker als sonst",
            "aus dem Lagergehäuse der {model} kommt ein [pfeifendes|brummendes] Geräusch",
        ),
        (
            "Die Pumpe hat erst {n} Betriebsstunden.",
            "Wir haben die Lager bereits [einmal|letztes Jahr] getauscht.",
        ),
        (
            "Bitte schicken Sie einen Servicetechniker zur Prüfung.",
            "Bitte um ein Angebot für den Lagerwechsel vor Ort.",
            "Können wir bis zum nächsten Stillstand weiterfahren?",
        ),
    ),
}

CORROSION = {
    "en": Phrasing(
        (
            "Corrosion on outdoor unit {serial}",
            "Paint [peeling|blistering] {model}",
            "Rust on [enclosure|canopy|frame] – {model}",
            "Coating defect outdoor {model}",
        ),
        (
            "the paint on the enclosure of our outdoor {model} is [peeling off|flaking off|coming "
            "off in patches]",
            "there are rust spots on the [canopy|housing|base frame] after only {months} months "
            "[outside|in the open]",
            "the coating on the skid frame of {serial} [shows blisters|is blistering] and rust [is "
            "coming through|underneath]",
            "the outdoor unit shows [corrosion|rust] at the [welds|panel edges|bolts] "
            "[already|after one winter]",
            "[paint damage|paint failure] and [surface rust|corrosion] on the {model} [installed "
            "outside|on our roof|in the tank farm]",
        ),
        (
            "The unit is installed [near the coast|in a coastal area|next to the cooling tower].",
            "[Photos are attached.|See attached pictures.|I attached {n} photos.]",
            "Other equipment on the same site does not show this.",
            "The unit is still within warranty.",
        ),
        (
            "We expect [a repaint|the housing to be replaced] under warranty.",
            "Please [tell us|advise] which coating system was used.",
            "Please send someone to [assess|inspect] the damage.",
        ),
    ),
    "de": Phrasing(
        (
            "Korrosion an Außenaufstellung {serial}",
            "Lackschäden {model}",
            "Rost am Gehäuse {model}",
        ),
        (
            "an der Einhausung unseres {model} in Außenaufstellung [blättert der Lack ab|löst sich"
            " die Lackierung]",
            "nach nur {months} Monaten im Freien zeigen sich Roststellen am [Gehäuse|Grundrahmen]",
            "die Beschichtung am Rahmen der {serial} wirft Blasen, darunter Rost",
            "an den [Schweißnähten|Blechkanten] des Außengeräts ist bereits Korrosion sichtbar",
        ),
        (
            "Fotos anbei.",
            "Das Gerät ist noch in der Gewährleistung.",
            "Andere Anlagen am Standort zeigen das nicht.",
        ),
        (
            "Wir erwarten eine Nachlackierung auf Gewährleistung.",
            "Bitte teilen Sie uns das verwendete Beschichtungssystem mit.",
        ),
    ),
}

LATE_DELIVERY = {
    "en": Phrasing(
        (
            "Delivery [delay|late] – order {order}",
            "Where is our order {order}?",
            "[Again|Once more] late: {order}",
            "Missed delivery date for {order}",
            "Lead time not met – PO {order}",
        ),
        (
            "order {order} was confirmed for {promised} but has [still not arrived|not been "
            "delivered yet]",
            "you promised a lead time of {weeks} weeks for {order}, we are now at [|more than ]{n} "
            "weeks",
            "the delivery date for {order} [was moved|has been pushed back] [again|for the third "
            "time|without notice]",
            "our [shutdown|maintenance stop] is [planned|scheduled] and the [spare parts|parts] "
            "from {order} are [late|still missing]",
            "we [have not received|are still waiting for] the [goods|parts|pump] [of|for] order "
            "{order}, confirmed delivery was {promised}",
        ),
        (
            "Nobody informed us about the delay.",
            "This is the [second|third] late delivery [this quarter|in a row].",
            "We have a crew on standby and the delay costs us [money|production].",
            "Your order confirmation clearly [said|stated] {promised}.",
        ),
        (
            "Please [give us|send] a binding delivery date [today|by return].",
            "We [need|expect] an explanation and a [recovery plan|new confirmed date].",
            "[If this continues|If lead times are not met] we will have to [look for other "
            "suppliers|reconsider our supplier choice].",
        ),
    ),
    "de": Phrasing(
        (
            "Lieferverzug Auftrag {order}",
            "Liefertermin nicht eingehalten – {order}",
            "Wo bleibt unsere Bestellung {order}?",
        ),
        (
            "der Auftrag {order} war für den {promised} bestätigt, ist aber [noch immer nicht|bis "
            "heute nicht] eingetroffen",
            "Sie hatten eine Lieferzeit von {weeks} Wochen zugesagt, inzwischen sind es [über |]{n}"
            " Wochen",
            "der Liefertermin für {order} wurde [schon wieder|zum dritten Mal|ohne Info] "
            "verschoben",
        ),
        (
            "Über die Verzögerung wurden wir nicht informiert.",
            "Das ist bereits die [zweite|dritte] verspätete Lieferung.",
        ),
        (
            "Bitte nennen Sie uns umgehend einen verbindlichen Liefertermin.",
            "Wir erwarten eine Erklärung.",
        ),
    ),
}

MISSING_CERTS = {
    "en": Phrasing(
        (
            "Missing 3.1 certificates – order {order}",
            "[Material certificates|Inspection certificates] not included ({order})",
            "Documentation incomplete for {order}",
            "EN 10204 3.1 [missing|not received]",
        ),
        (
            "the 3.1 material certificates were [missing from|not included in] the delivery of "
            "order {order}",
            "we cannot [install|release] the [pump|parts|equipment] [without|until we have] the "
            "EN 10204 3.1 certificates",
            "the documentation package for {order} [lacks|does not contain] the material test "
            "reports",
            "[inspection certificates|mill certificates] [were not included with|did not come "
            "with] the shipment of {order}",
            "our quality department [rejected|blocked] the goods [from|of] {order} because the "
            "[3.1 certs|material certificates] are missing",
        ),
        (
            "Our [QA|quality assurance] [requires|needs] them for every wetted part.",
            "The goods are [in quarantine|on hold in goods receipt] [until then|meanwhile].",
            "[This is not the first time.|It happened before with another order.]",
        ),
        (
            "Please [send|e-mail] the certificates [as soon as possible|today].",
            "Please make sure certificates [are included|come with the goods] in future.",
        ),
    ),
    "de": Phrasing(
        (
            "Fehlende 3.1-Zeugnisse – Auftrag {order}",
            "Werkszeugnisse fehlen ({order})",
            "Dokumentation unvollständig {order}",
        ),
        (
            "bei der Lieferung zu Auftrag {order} fehlten die Abnahmeprüfzeugnisse 3.1",
            "ohne die Materialzeugnisse nach EN 10204 3.1 können wir die Teile nicht freigeben",
            "die Dokumentation zu {order} enthält keine Werkstoffzeugnisse",
        ),
        (
            "Die Ware steht bis dahin im Sperrlager.",
            "Unsere QS benötigt die Zeugnisse für alle medienberührten Teile.",
        ),
        (
            "Bitte senden Sie die Zeugnisse umgehend zu.",
            "Bitte legen Sie künftig die Zeugnisse der Lieferung bei.",
        ),
    ),
}

PROBLEM_PHRASES: dict[str, dict[str, Phrasing]] = {
    "seal_leak": SEAL_LEAK,
    "firmware_reset": FIRMWARE_RESET,
    "bearing_noise": BEARING_NOISE,
    "corrosion": CORROSION,
    "late_delivery": LATE_DELIVERY,
    "missing_certs": MISSING_CERTS,
}

ESCALATIONS: dict[str, tuple[str, ...]] = {
    "en": (
        "This is the {nth} time we report this problem.",
        "Frankly, our patience is running out.",
        "Our management is asking whether we should [switch|change] supplier.",
        "We are [seriously|now] considering alternatives from other suppliers.",
        "Please escalate this to your management.",
    ),
    "de": (
        "Wir melden dieses Problem bereits zum {nth} Mal.",
        "Unsere Geduld ist langsam am Ende.",
        "Unsere Geschäftsleitung fragt bereits nach Alternativen.",
    ),
}
ORDINALS: dict[str, tuple[str, ...]] = {
    "en": ("first", "second", "third", "fourth", "fifth", "sixth", "seventh"),
    "de": ("ersten", "zweiten", "dritten", "vierten", "fünften", "sechsten", "siebten"),
}
