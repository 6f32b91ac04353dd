import pytest

from kg.sentences import split_sentences

from .conftest import make_document


def _texts(text):
    return [s.text for s in split_sentences(make_document(text))]


@pytest.mark.parametrize("text, expected", [
    ("Dr. Wang met Mr. Li in the U.S. capital. They signed No. 5 of the rules.",
     ["Dr. Wang met Mr. Li in the U.S. capital.", "They signed No. 5 of the rules."]),
    ("The plan was issued. It aims to cut costs! Will it work? Yes.",
     ["The plan was issued.", "It aims to cut costs!", "Will it work?", "Yes."]),
    ("国务院发布了规划。工信部负责实施！效果如何？", ["国务院发布了规划。", "工信部负责实施！", "效果如何？"]),
    ('He said "the plan works." Then he left.', ['He said "the plan works."', "Then he left."]),
    ("Growth was 8.9% in 2015, e.g. in high-tech industry. Next year too.",
     ["Growth was 8.9% in 2015, e.g. in high-tech industry.", "Next year too."]),
])
def test_split_sentences_table(text, expected):
    assert _texts(text) == expected


def test_offsets_index_the_document_text():
    doc = make_document("First one. Second one.\n\nThird paragraph here.")
    for s in split_sentences(doc):
        assert doc.text[s.start:s.end] == s.text
    assert [s.paragraph for s in split_sentences(doc)] == [0, 0, 1]


def test_interview_turns_and_headings_are_recognised():
    doc = make_document("International cooperation deepens\nReporter Wang: What is new?\nZhang San: We signed it. It works.")
    sents = split_sentences(doc)
    assert sents[0].kind == "heading"
    assert (sents[1].kind, sents[1].speaker) == ("turn", "Reporter Wang")
    assert [s.speaker for s in sents[2:]] == ["Zhang San", "Zhang San"]


def test_an_answer_keeps_its_speaker_over_paragraphs_until_the_next_heading():
    doc = make_document("Zhang San: We signed it.\nIt works well.\nNext steps\nNo speaker here.")
    sents = split_sentences(doc)
    assert [s.speaker for s in sents] == ["Zhang San", "Zhang San", None, None]
