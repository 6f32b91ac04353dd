"""Generate a corpus of policy documents for scale benchmarks, so that scale can be measured
without shipping data: news items, guidelines and interview turns with varied actors,
policies, goals, dates and countries. Deterministic for a given seed.

    python tests/benchmarks/corpus.py OUT_DIR --documents 1000 [--words 500]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

CN_BODIES = ["the State Council", "the Ministry of Industry and Information Technology", "the Ministry of Finance",
             "the National Development and Reform Commission", "the Ministry of Science and Technology",
             "the Ministry of Commerce", "the People's Bank of China", "the Ministry of Ecology and Environment",
             "the State Administration for Market Regulation", "the Ministry of Education"]
FOREIGN_BODIES = {
    "Germany": ["the Federal Ministry for Economic Affairs and Energy", "the Federal Ministry of Education and Research"],
    "France": ["the French Ministry of the Economy"], "Japan": ["the Ministry of Economy, Trade and Industry"],
    "United Kingdom": ["the Department for Business and Trade"], "South Korea": ["the Ministry of Trade, Industry and Energy"],
    "Italy": ["the Italian Ministry of Enterprises"], "Brazil": ["the Brazilian Ministry of Development"],
}
TOPICS = ["Intelligent Manufacturing", "Green Manufacturing", "Industrial Internet", "New Energy Vehicles", "Integrated Circuits",
          "High-end Equipment", "Service-oriented Manufacturing", "Quality and Brands", "Small and Medium Enterprises",
          "Artificial Intelligence", "Robotics", "New Materials", "the Digital Economy", "Technical Transformation",
          "Standardization", "Hydrogen Energy", "Smart Cities", "Cloud Computing", "Biomedicine", "Aerospace Equipment"]
KINDS = ["Guiding Opinions on", "Action Plan for", "Implementation Plan for", "Measures for the Administration of",
         "Development Plan for", "Notice on Promoting"]
GOALS = ["green manufacturing", "intelligent manufacturing", "high-end equipment", "innovation capability",
         "service-oriented manufacturing", "energy efficiency", "industrial upgrading", "digital transformation"]
PEOPLE = ["Li Wen", "Zhang Hua", "Wang Jun", "Chen Ming", "Liu Yang", "Zhao Lei", "Anna Becker", "Thomas Weber"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
FILLER = ["Local governments are asked to report on progress every quarter.",
          "Enterprises said that the measures had lowered their costs.",
          "Experts expect the sector to keep growing over the coming years.",
          "The text was discussed at several meetings before its release.",
          "Pilot zones will share their experience with other regions.",
          "Observers noted that the details of financing remain open."]


def policy(rng: random.Random, index: int) -> str:
    return f"the {rng.choice(KINDS)} {rng.choice(TOPICS)} ({index % 97 + 1})"


def sentence(rng: random.Random, year: int) -> str:
    body, other = rng.sample(CN_BODIES, 2)
    country = rng.choice(sorted(FOREIGN_BODIES))
    foreign = rng.choice(FOREIGN_BODIES[country])
    when = f"In {rng.choice(MONTHS)} {year}"
    name = policy(rng, rng.randint(0, 10_000))
    choice = rng.randrange(9)
    if choice == 0:
        return f"{when}, {body[0].upper() + body[1:]} issued {name}."
    if choice == 1:
        return f"{body[0].upper() + body[1:]} and {other} jointly revised {name} in {year}."
    if choice == 2:
        return (f"{when}, {body} and {foreign} signed the Memorandum of Understanding on {rng.choice(TOPICS)} "
                f"Cooperation ({rng.randint(1, 5000)}), establishing a joint working group.")
    if choice == 3:
        return f"{name[0].upper() + name[1:]} aims to promote {rng.choice(GOALS)} and {rng.choice(GOALS)}."
    if choice == 4:
        return f"{rng.choice(PEOPLE)}, Minister of {rng.choice(TOPICS)}, said that {body} will draft {name} next year."
    if choice == 5:
        return f"China and {country} agreed to deepen cooperation on {rng.choice(TOPICS).lower()}."
    if choice == 6:
        return f"Output of the sector grew by {rng.randint(1, 30)}.{rng.randint(0, 9)}% in {year}."
    if choice == 7:
        return f"{body[0].upper() + body[1:]} did not approve {name}."
    return rng.choice(FILLER)


def document(rng: random.Random, index: int, words: int) -> str:
    year = rng.randint(2012, 2025)
    title = f"Policy bulletin {index}: {rng.choice(TOPICS)}"
    lines = [f"---\ntitle: \"{title}\"\ndate: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n---\n", f"# {title}\n"]
    count = 0
    while count < words:
        paragraph = " ".join(sentence(rng, year) for _ in range(rng.randint(2, 5)))
        lines.append(paragraph + "\n")
        count += len(paragraph.split())
    return "\n".join(lines)


def write_corpus(folder: Path, documents: int, words: int = 500, seed: int = 7) -> list[Path]:
    """Write ``documents`` files of about ``words`` words each into ``folder`` (100 per subfolder)."""
    rng = random.Random(seed)
    paths = []
    for n in range(documents):
        sub = folder / f"batch-{n // 100:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"doc-{n:06d}.md"
        path.write_text(document(rng, n, words), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--words", type=int, default=500)
    args = parser.parse_args()
    write_corpus(args.out, args.documents, args.words)
