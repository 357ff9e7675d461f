"""A small interview project with three planted themes, built in code for the topic tests."""

from __future__ import annotations

import random
from pathlib import Path

THEMES = {
    "energy": ["electricity bills", "gas prices", "energy costs", "the furnace", "our tariff", "the grid connection",
               "kilowatt hours", "the power supplier", "heat treatment", "energy efficiency"],
    "skills": ["apprentices", "welders", "the local college", "training budgets", "recruitment agencies",
               "young engineers", "skilled machinists", "the apprenticeship levy", "retiring staff", "graduates"],
    "export": ["export orders", "customers in Germany", "customs paperwork", "shipping containers",
               "exchange rates", "overseas distributors", "trade fairs abroad", "export licences",
               "freight forwarders", "the euro"],
}
TEMPLATES = ["We keep talking about {a} and {b}, and honestly {c} decides most of our year.",
             "The real issue for us is {a}; {b} and {c} come right behind it.",
             "Since last spring {a} changed, so {b} and {c} got much harder to plan.",
             "If you ask the board, {a} matters most, then {b}, and {c} after that."]
QUESTIONS = ["Can you tell me about the last year?", "What is the hardest part of running the plant?",
             "How do you see the next few years?", "Anything else you want to add?"]


def turn(rng: random.Random, theme: str) -> str:
    a, b, c = rng.sample(THEMES[theme], 3)
    return rng.choice(TEMPLATES).format(a=a, b=b, c=c)


def interview(rng: random.Random, themes: list[str], turns: int) -> tuple[str, list[str]]:
    """Interview text (I:/R: turns) and the theme of each respondent turn."""
    parts, planted = [], []
    for k in range(turns):
        theme = themes[k % len(themes)]
        parts.append(f"I: {rng.choice(QUESTIONS)}")
        parts.append(f"R: {turn(rng, theme)}")
        planted.append(theme)
    return "\n\n".join(parts) + "\n", planted


def write_corpus(folder: Path, documents: int = 6, turns: int = 12, seed: int = 0) -> Path:
    """Interview files and a manifest (region, firm_size, date) in folder; returns the manifest path."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["file,region,firm_size,date"]
    for k in range(documents):
        text, _ = interview(rng, list(THEMES), turns)
        name = f"int{k:02d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},{'North East' if k % 2 else 'West Midlands'},{'small' if k < 3 else 'large'},"
                    f"202{3 + k % 2}-0{1 + k % 9}-15")
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def theme_of(text: str) -> str | None:
    for theme, phrases in THEMES.items():
        if sum(p in text for p in phrases) >= 2:
            return theme
    return None


def build(project, folder: Path, **kwargs) -> None:
    manifest = write_corpus(folder, **kwargs)
    outcomes = project.documents.ingest([folder], manifest=manifest)
    assert all(o.status == "ingested" for o in outcomes), outcomes
