"""Synthetic projects of any size for benchmarks: interview transcripts built from templates and word lists.

Every document is an invented interview (FICTIONAL) with timestamped interviewer and respondent
turns; each respondent turn talks about one of a dozen latent themes, so topic models and rules
have something real to find. Nothing is downloaded; the same seed gives the same corpus.

    python bench/synthetic.py /tmp/synthetic.db --documents 300 --codings 20000
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

REGIONS = ["West Midlands", "North East", "Yorkshire and the Humber", "North West", "East Midlands",
           "Wales", "Scotland", "South West", "South East", "East of England"]
SECTORS = ["automotive/EV", "aerospace & defence", "batteries", "space", "advanced materials",
           "pharmaceuticals", "electronics & optics", "agri-tech", "rail", "food processing"]
SIZES = ["micro", "small", "medium", "large"]
ROLES = ["OEM", "Tier 1", "Tier 2+", "SME supplier", "university", "catapult/RTO", "public body"]
INTERVIEWERS = ["Dr Ada Merriweather", "Tom Halloran", "Priya Castellan", "Jonas Whitcombe"]
FIRST = ["Alan", "Bev", "Chidi", "Dana", "Eamon", "Fatima", "Gareth", "Hui", "Imran", "Joan", "Kofi",
         "Lena", "Marek", "Nia", "Owen", "Pooja", "Rhys", "Sian", "Tariq", "Una"]
LAST = ["Ashdown", "Brindley", "Corrigan", "Dunmore", "Ellery", "Farrow", "Garside", "Holroyd",
        "Ibbotson", "Jessop", "Kettle", "Lomax", "Marsden", "Netherton", "Oldroyd", "Pickles"]
FIRM_A = ["Brindle", "Calder", "Dale", "Eske", "Fenwick", "Greave", "Hallam", "Irwell", "Kelham", "Lune"]
FIRM_B = ["Precision", "Fabrications", "Composites", "Engineering", "Castings", "Systems", "Optics",
          "Polymers", "Machining", "Controls"]
PLACES = ["Tipton", "Sunderland", "Rotherham", "Deeside", "Burnley", "Derby", "Port Talbot", "Motherwell",
          "Swindon", "Peterborough"]

# theme -> (codes it evidences, sentence templates, slot word lists)
THEMES: dict[str, tuple[list[str], list[str], dict[str, list[str]]]] = {
    "welders": (["skills_shortage", "skills_ageing"], [
        "We cannot find {trade} anywhere, the last advert got {n} applicants and none could pass the test.",
        "Half of our {trade} are over fifty five and will retire in the next few years.",
        "When the older {trade} go, the know-how walks out of the door with them.",
        "Agencies send us {trade} but they leave for a pound an hour more down the road.",
    ], {"trade": ["welders", "machinists", "toolmakers", "electricians", "fitters", "CNC setters"],
        "n": ["three", "four", "two", "eleven"]}),
    "apprentices": (["skills_apprenticeships", "skills_training_mismatch"], [
        "We take {n} apprentices a year through the {college} and the levy covers the course.",
        "The college course teaches {old} when what we need on the floor is {new}.",
        "Our apprentices spend a day a week at the {college} and the rest with a mentor.",
        "The levy money goes back to the Treasury because the standards do not fit {new}.",
    ], {"n": ["two", "four", "six"], "college": ["local college", "training centre", "university technical college"],
        "old": ["manual lathes", "paper drawings", "old welding codes"], "new": ["robot welding", "CNC programming",
                                                                               "composite layup", "metrology"]}),
    "digital": (["skills_digital", "technology_digital_tools"], [
        "We brought in {tool} last year but nobody knows how to get the data out of it.",
        "Young engineers are comfortable with {tool} but the shop floor does not trust it.",
        "Data skills are the gap now, we need people who can read what {tool} tells us.",
    ], {"tool": ["an MES system", "a digital twin", "machine monitoring", "an ERP upgrade", "sensors on every spindle"]}),
    "oem_demand": (["demand_buyer_signals", "demand_pull_vs_push"], [
        "The {buyer} told us they want {n} percent more volume from {year} if we can qualify the line.",
        "Without a firm order from the {buyer} the bank will not lend against new capacity.",
        "The {buyer} gives us a forecast but it changes every quarter, so we plan in the dark.",
        "The {buyer} is moving to {tech} and we have to follow or lose the work.",
    ], {"buyer": ["OEM", "prime", "car maker", "Tier 1 customer"], "n": ["twenty", "thirty", "fifty"],
        "year": ["2026", "2027", "2028"], "tech": ["electric drivetrains", "battery packs", "composite structures"]}),
    "localisation": (["demand_localisation", "mark3_cross_scalar"], [
        "The {buyer} wants more content made within {dist} miles to meet the rules of origin.",
        "Reshoring from {country} came up because the shipping costs doubled.",
        "Our parts go into a global supply chain but the relationships are all local.",
    ], {"buyer": ["OEM", "gigafactory", "prime"], "dist": ["fifty", "a hundred", "two hundred"],
        "country": ["China", "Turkey", "Mexico", "Poland"]}),
    "procurement": (["demand_procurement"], [
        "Public procurement is a lottery for a firm our size, the frameworks shut us out.",
        "The {body} contract went to the lowest price again, not to social value.",
        "Defence procurement takes years and SMEs cannot carry the cost of bidding.",
    ], {"body": ["council", "NHS trust", "rail franchise", "Ministry of Defence"]}),
    "university": (["mark3_university_industry"], [
        "We work with the {uni} on a knowledge transfer partnership for {topic}.",
        "The catapult let us trial {topic} without buying the kit ourselves.",
        "Research at the {uni} is excellent but it takes too long to reach a small firm.",
    ], {"uni": ["university", "catapult centre", "manufacturing research centre"],
        "topic": ["additive manufacturing", "lightweighting", "battery recycling", "laser welding"]}),
    "cluster": (["mark3_coordination", "coordination_leadership", "mark3_open_innovation"], [
        "There are {n} different support bodies and none of them talk to each other.",
        "The cluster group meets every month and firms share orders when one is too big for one shop.",
        "The combined authority has a plan but the money comes in small pots that expire.",
        "We know the firm across the road, we lend each other machines and people.",
    ], {"n": ["five", "seven", "a dozen"]}),
    "place": (["mark3_place_identity"], [
        "People here are proud of {thing}, it is part of who the town is.",
        "There is an industrial heritage in {place} that you cannot buy elsewhere.",
        "Trust between firms here goes back generations, handshakes still matter.",
    ], {"thing": ["the steelworks", "making things", "the foundries", "the railway works"], "place": PLACES}),
    "energy_sites": (["sites_power_grid", "sites_serviced_land", "land_sites"], [
        "We wanted to expand but the grid connection is {n} years away.",
        "Energy prices tripled and the furnace is the first thing we look at.",
        "There is no serviced land near the motorway, every site needs remediation.",
    ], {"n": ["three", "five", "eight"]}),
    "finance": (["investment_capital", "investment_scaleup_finance"], [
        "The bank wants a personal guarantee for a {amount} machine.",
        "Private equity bought our competitor and cut the training budget first.",
        "Grant money pays for the kit but not for the people to run it.",
    ], {"amount": ["half a million pound", "two million pound", "three hundred thousand pound"]}),
    "automation": (["technology_automation", "productivity"], [
        "The new {robot} doubled output on that cell with the same crew.",
        "Automation is not about fewer people here, it is about keeping up with the orders.",
        "Productivity is low because the machines are thirty years old.",
    ], {"robot": ["welding robot", "cobot", "automated press line", "pallet system"]}),
}
QUESTIONS = [
    "Could you tell me about the firm and your role?", "How do you find the people you need?",
    "What do your customers ask of you these days?", "Who do you work with locally?",
    "What would help you grow in the next five years?", "How has that changed since the pandemic?",
    "Can you give me an example?", "And what about training?", "How do you plan ahead?",
]
FILLERS = ["Yeah, so", "Well,", "To be honest,", "I mean,", "Right, so", "You know,", ""]


def _sentence(rng: random.Random, theme: str) -> str:
    _, templates, slots = THEMES[theme]
    template = rng.choice(templates)
    return template.format(**{k: rng.choice(v) for k, v in slots.items()})


def _turn(rng: random.Random, theme: str) -> str:
    sentences = [_sentence(rng, theme) for _ in range(rng.randint(2, 6))]
    filler = rng.choice(FILLERS)
    return (filler + " " if filler else "") + " ".join(sentences)


def respondent_turns(rng: random.Random, words: int) -> list[tuple[str, str]]:
    """(theme, turn text) pairs until about `words` words; a document leans on three or four themes."""
    focus = rng.sample(sorted(THEMES), k=rng.randint(3, 4))
    out, count = [], 0
    while count < words:
        theme = rng.choice(focus) if rng.random() < 0.85 else rng.choice(sorted(THEMES))
        text = _turn(rng, theme)
        out.append((theme, text))
        count += len(text.split()) + 8
    return out


def synthetic_segments(n: int, seed: int = 0) -> list[str]:
    """n respondent turns (each about one latent theme), for topic and suggestion benchmarks."""
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < n:
        out.extend(text for _, text in respondent_turns(rng, 2000))
    return out[:n]


def generate_documents(n: int, seed: int = 0, words: tuple[int, int] = (800, 2500)):
    """Yield (file name, text, attributes) for n interview transcripts."""
    rng = random.Random(seed)
    for i in range(1, n + 1):
        firm = f"{rng.choice(FIRM_A)} {rng.choice(FIRM_B)} Ltd"
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        attrs = {"region": rng.choice(REGIONS), "sector": rng.choice(SECTORS), "firm_size": rng.choice(SIZES),
                 "role": rng.choice(ROLES), "date": f"20{rng.randint(23, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                 "interviewer": rng.choice(INTERVIEWERS)}
        lines = [f"FICTIONAL SYNTHETIC INTERVIEW {i:06d} - generated for benchmarks; people and firms are invented.",
                 f"Respondent: {person}, {firm}, {rng.choice(PLACES)}", ""]
        seconds = 30
        for _, text in respondent_turns(rng, rng.randint(*words)):
            stamp = f"[{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}]"
            lines += [f"{stamp} I: {rng.choice(QUESTIONS)}", "", f"{stamp} R: {text}", ""]
            seconds += rng.randint(20, 150)
        yield f"int{i:06d}.txt", "\n".join(lines), attrs


def write_corpus(folder: Path, documents: int, seed: int = 0, words: tuple[int, int] = (800, 2500)) -> Path:
    """Write documents as .txt files plus manifest.csv into folder; returns the manifest path."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as out:
        writer = None
        for name, text, attrs in generate_documents(documents, seed, words):
            (folder / name).write_text(text, encoding="utf-8")
            if writer is None:
                writer = csv.DictWriter(out, ["file", "type", *attrs])
                writer.writeheader()
            writer.writerow({"file": name, "type": "interview", **attrs})
    return manifest


def add_codings(project, codings: int, seed: int = 0, coder: str = "synthetic", batch: int = 2000) -> int:
    """Code `codings` respondent turns or sentences with codes that fit their theme; returns the number made."""
    from workbench.store.codings import code_spans

    rng = random.Random(seed)
    known = {c["id"] for c in project.codebook.codes()}
    theme_codes = {theme: [c for c in codes if c in known] or sorted(known) for theme, (codes, _, _) in THEMES.items()}
    segments = project.db.execute("SELECT id FROM segments WHERE speaker = 'R' ORDER BY id").fetchall()
    if not segments or not known:
        return 0
    if coder not in {c["name"] for c in project.codings.coders()}:
        project.codings.add_coder(coder)
    seen: set[tuple] = set()
    items: list[tuple] = []
    made = 0
    attempts = 0
    while made + len(items) < codings and attempts < codings * 20:
        attempts += 1
        seg = next(project.db.query('SELECT id, document_id, start, "end", text FROM segments WHERE id = ?',
                                    [rng.choice(segments)[0]]))
        theme = _theme_of(seg["text"])
        code = rng.choice(theme_codes.get(theme) or sorted(known))
        start, end = seg["start"], seg["end"]
        if rng.random() < 0.4:  # a sentence inside the turn rather than the whole turn
            cut = seg["text"].find(". ")
            if cut > 0:
                end = start + cut + 1
        key = (seg["document_id"], start, end, code)
        if key in seen:
            continue
        seen.add(key)
        items.append((seg["document_id"], start, end, code, None, "manual", None))
        if len(items) >= batch:
            made += len(code_spans(project.db, items, coder))
            items = []
    if items:
        made += len(code_spans(project.db, items, coder))
    return made


def _theme_of(text: str) -> str | None:
    for theme, (_, templates, _) in THEMES.items():
        for template in templates:
            head = template.split("{")[0].strip()
            if len(head) > 12 and head in text:
                return theme
    return None


def build_project(path, documents: int, seed: int = 0, codings: int = 0,
                  codebook: Path = ROOT / "codebooks" / "manufacturing_regions.yaml", coder: str = "synthetic",
                  words: tuple[int, int] = (800, 2500)) -> dict:
    """Create a project file with `documents` synthetic interviews, the codebook and `codings` codings."""
    from workbench.project import Project

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, Project(path) as project:
        manifest = write_corpus(Path(tmp), documents, seed, words)
        outcomes = project.documents.ingest([tmp], manifest=manifest)
        project.codebook.load(codebook)
        made = add_codings(project, codings, seed, coder) if codings else 0
        summary = project.summary()
    return {"path": str(path), "documents": summary["documents"], "segments": summary["segments"],
            "words": summary["words"], "codings": made, "failed": sum(1 for o in outcomes if not _ok(o)),
            "seconds": round(time.perf_counter() - started, 1)}


def _ok(outcome) -> bool:
    return getattr(outcome, "status", "ingested") in ("ingested", "duplicate")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="project file to create")
    parser.add_argument("--documents", type=int, default=300)
    parser.add_argument("--codings", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-words", type=int, default=800)
    parser.add_argument("--max-words", type=int, default=2500)
    args = parser.parse_args()
    print(build_project(args.db, args.documents, args.seed, args.codings, words=(args.min_words, args.max_words)))


if __name__ == "__main__":
    main()
