"""Reviewed answers: the loader reports every fault as `file: field: problem`, the shipped files
load clean, and every shipped answer sentence is backed by the notes it cites."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from assistant.answers import Aspect, When, load_answers, load_uncovered
from assistant.models import SourceDoc
from assistant.sources import load_library
from evals import answers_check
from evals.metrics import fk_grade

ROOT = Path(__file__).resolve().parents[1]
KNOWN = {"note-a", "note-b"}
OURS = ("ahsct.yaml", "decisions.yaml")  # the files this test's author answers for
GOOD = {
    "id": "ahsct-example",
    "aspect": "risks",
    "treatment": "ahsct",
    "questions": [f"How risky is HSCT, version {i}?" for i in range(6)],
    "answer": [
        {"text": "aHSCT carries real risks.", "sources": ["note-a"]},
        {"text": "Infections are common early on.", "sources": ["note-a", "note-b"]},
    ],
    "variants": [
        {
            "when": {"ms_type": "progressive"},
            "text": "Progressive MS carries more risk.",
            "sources": ["note-b"],
        }
    ],
    "not_covered": "The library has no reviewed rates for single clinics.",
    "next_step": "Ask your MS team about your own risks.",
    "reviewed": "2026-12-02",
}


def entry(**changes) -> dict:
    item = copy.deepcopy(GOOD)
    item.update(changes)
    return item


def load(tmp_path: Path, *entries, name: str = "x.yaml"):
    folder = tmp_path / "answers"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump({"answers": list(entries)}), encoding="utf-8")
    return load_answers(folder, KNOWN)


def lines(problems) -> list[str]:
    return [str(p) for p in problems]


# -- the loader ---------------------------------------------------------------------------------
def test_a_good_entry_loads_with_no_problem(tmp_path):
    answers, problems = load(tmp_path, entry())
    assert problems == []
    [answer] = answers
    assert answer.aspect is Aspect.RISKS and answer.reviewed == dt.date(2026, 12, 2)
    assert answer.text == "aHSCT carries real risks. Infections are common early on."


def test_unknown_note_id_is_named_with_file_and_field(tmp_path):
    bad = entry()
    bad["answer"][1]["sources"] = ["note-a", "x"]
    answers, problems = load(tmp_path, bad)
    assert answers == []
    assert lines(problems) == ["answers/x.yaml: answers[0].answer[1].sources: unknown note id 'x'"]


def test_a_sentence_without_any_source_is_a_problem(tmp_path):
    bad = entry()
    bad["answer"][0]["sources"] = []
    _, problems = load(tmp_path, bad)
    assert [p.field for p in problems] == ["answers[0].answer[0].sources"]


def test_ids_are_unique_across_files(tmp_path):
    load(tmp_path, entry(), name="a.yaml")
    answers, problems = load(tmp_path, entry(), name="b.yaml")
    assert len(answers) == 1
    assert lines(problems) == [
        "answers/b.yaml: answers[0].id: 'ahsct-example' is also used in answers/a.yaml answers[0]"
    ]
    _, problems = load(
        tmp_path, entry(id="ahsct-other", questions=[f"Other {i}?" for i in range(6)]), name="b.yaml"
    )
    assert problems == []


def test_the_same_question_under_two_answers_is_a_problem(tmp_path):
    _, problems = load(tmp_path, entry(), entry(id="ahsct-other"))
    assert [p.field for p in problems] == [f"answers[1].questions[{i}]" for i in range(6)]


@pytest.mark.parametrize("aspect, ok", [("recovery", True), ("cost", True), ("feelings", False), ("", False)])
def test_aspect_must_be_in_the_vocabulary(tmp_path, aspect, ok):
    _, problems = load(tmp_path, entry(aspect=aspect))
    assert (problems == []) is ok
    if not ok:
        assert problems[0].field == "answers[0].aspect"


@pytest.mark.parametrize("count, ok", [(5, False), (6, True), (9, True)])
def test_at_least_six_questions(tmp_path, count, ok):
    _, problems = load(tmp_path, entry(questions=[f"Question {i}?" for i in range(count)]))
    assert (problems == []) is ok
    if not ok:
        assert lines(problems) == ["answers/x.yaml: answers[0].questions: needs at least 6, has 5"]


@pytest.mark.parametrize("count, ok", [(1, False), (2, True), (5, True), (6, False)])
def test_two_to_five_answer_sentences(tmp_path, count, ok):
    sentences = [{"text": f"Sentence number {i} is here.", "sources": ["note-a"]} for i in range(count)]
    _, problems = load(tmp_path, entry(answer=sentences))
    assert (problems == []) is ok
    if not ok:
        assert problems[0].field == "answers[0].answer" and f"has {count} sentences" in problems[0].problem


def test_sentences_are_counted_inside_one_text(tmp_path):
    crowded = [
        {"text": "One. Two. Three.", "sources": ["note-a"]},
        {"text": "Four. Five. Six.", "sources": ["note-a"]},
    ]
    _, problems = load(tmp_path, entry(answer=crowded))
    assert [p.field for p in problems] == ["answers[0].answer"]


@pytest.mark.parametrize(
    "when, field",
    [
        ({"ms_type": "relapsing", "age_min": 18, "age_max": 45}, None),
        ({"edss_min": 6}, None),
        ({"ms_typ": "progressive"}, "answers[0].variants[0].when.ms_typ"),
        ({"ms_type": "benign"}, "answers[0].variants[0].when.ms_type"),
        ({"age_min": 50, "age_max": 40}, "answers[0].variants[0].when"),
        ({"edss_max": 12}, "answers[0].variants[0].when.edss_max"),
        ({}, "answers[0].variants[0].when"),
    ],
)
def test_variant_conditions_are_checked(tmp_path, when, field):
    variant = {"when": when, "text": "For some people the risk differs.", "sources": ["note-a"]}
    _, problems = load(tmp_path, entry(variants=[variant]))
    assert [p.field for p in problems] == ([field] if field else [])


@pytest.mark.parametrize("key", ["not_covered", "next_step"])
def test_no_figures_outside_cited_sentences(tmp_path, key):
    _, problems = load(tmp_path, entry(**{key: "Only 3 studies exist."}))
    assert [p.field for p in problems] == [f"answers[0].{key}"]
    _, problems = load(tmp_path, entry(**{key: "Only a few studies exist."}))
    assert problems == []


@pytest.mark.parametrize(
    "text, bad",
    [
        ("It says the risk is low.", True),
        ("aHSCT carries risks. This is why centres monitor you.", True),
        ("For that reason, centres monitor you.", True),
        ("They found fewer relapses.", True),
        ("There is a real risk of infection.", False),
        ("Thyroid disease can follow aHSCT.", False),
    ],
)
def test_no_sentence_starts_with_a_bare_pronoun(tmp_path, text, bad):
    sentences = [
        {"text": "aHSCT carries real risks.", "sources": ["note-a"]},
        {"text": text, "sources": ["note-a"]},
    ]
    _, problems = load(tmp_path, entry(answer=sentences))
    assert [p.field for p in problems] == (["answers[0].answer[1].text"] if bad else [])


def test_malformed_entries_and_files_are_problems_never_dropped_silently(tmp_path):
    answers, problems = load(
        tmp_path,
        "just text",
        entry(id="a-1", extra_field=1),
        entry(id="Bad_Id"),
        entry(id="a-2", reviewed="2026-13-01"),
    )
    assert answers == []
    assert lines(problems) == [
        "answers/x.yaml: answers[0]: must be a mapping of fields",
        "answers/x.yaml: answers[1].extra_field: is not a known field",
        "answers/x.yaml: answers[2].id: is not lowercase kebab-case",
        "answers/x.yaml: answers[3].reviewed: "
        "Input should be a valid date or datetime, month value is outside expected range of 1-12",
    ]
    (tmp_path / "answers" / "broken.yaml").write_text("answers: [\n", encoding="utf-8")
    (tmp_path / "answers" / "empty.yaml").write_text("", encoding="utf-8")
    _, problems = load_answers(tmp_path / "answers", KNOWN)
    files = {p.file: p.field for p in problems}
    assert files["answers/broken.yaml"] == "file" and files["answers/empty.yaml"] == "answers"


def test_the_sources_folder_or_a_missing_folder_is_accepted(tmp_path):
    load(tmp_path, entry())
    answers, problems = load_answers(tmp_path, KNOWN)  # the folder that holds answers/
    assert len(answers) == 1 and problems == []
    assert load_answers(tmp_path / "nothing-here", KNOWN) == ([], [])


@pytest.mark.parametrize(
    "context, fits",
    [
        ({"ms_type": "progressive", "age": 50}, True),
        ({"ms_type": "progressive", "age": 45}, True),
        ({"ms_type": "progressive", "age": 44}, False),
        ({"ms_type": "relapsing", "age": 50}, False),
        ({"ms_type": "progressive"}, False),  # an unstated age never meets an age condition
    ],
)
def test_variant_condition_matches_the_stated_context(context, fits):
    assert When(ms_type="progressive", age_min=45).matches(**context) is fits


# -- backing by the notes -------------------------------------------------------------------------
NOTE = SourceDoc(
    id="note-a",
    title="t",
    year=2020,
    publisher="p",
    type="cohort",
    url="https://example.org",
    topics=("ahsct",),
    reviewed="2026-12-02",
    path=Path("note-a.md"),
    body="## What was found\nIn the cohort, 68% of patients had febrile neutropenia after aHSCT.\n"
    "## Safety\nNo patient in the cohort died of the treatment.\n",
)


@pytest.mark.parametrize(
    "sentence, backed",
    [
        ("In the cohort, 68% of patients had febrile neutropenia after aHSCT.", True),
        ("In the cohort, 86% of patients had febrile neutropenia after aHSCT.", False),  # wrong number
        ("Hair loss and nausea were common during chemotherapy.", False),  # not in the note
        ("No patient died of the treatment in the cohort.", True),
    ],
)
def test_a_sentence_is_backed_only_by_numbers_and_words_of_its_notes(sentence, backed):
    ok, quote = answers_check.check_sentence(sentence, [NOTE])
    assert ok is backed and quote


def test_a_sentence_citing_no_known_note_is_not_backed():
    assert answers_check.check_sentence("In the cohort, 68% had febrile neutropenia.", []) == (False, "")


def test_uncovered_asks_load_from_a_file_of_their_own(tmp_path):
    """A file may hold only `uncovered:` (asks no answer covers); an empty or non-text entry, or
    an ask that is also an answer's question, is a problem."""
    load(tmp_path, entry())
    folder = tmp_path / "answers"
    asks = ["Does biotin help progressive MS?", "", 3, "How risky is HSCT, version 2?"]
    (folder / "uncovered.yaml").write_text(yaml.safe_dump({"uncovered": asks}), encoding="utf-8")
    answers, problems = load_answers(folder, KNOWN)
    assert [a.id for a in answers] == ["ahsct-example"]
    assert lines(problems) == [
        "answers/uncovered.yaml: uncovered[1]: must be a non-empty text",
        "answers/uncovered.yaml: uncovered[2]: must be a non-empty text",
        "answers/uncovered.yaml: uncovered[3]: is also a question of 'ahsct-example'",
    ]
    assert load_uncovered(folder) == ["Does biotin help progressive MS?", "How risky is HSCT, version 2?"]
    (folder / "uncovered.yaml").write_text("uncovered: a text, not a list\n", encoding="utf-8")
    assert lines(load_answers(folder, KNOWN)[1]) == [
        "answers/uncovered.yaml: answers: the file must hold `answers:`, a list of answers"
    ]


# -- the shipped files --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped():
    docs, _ = load_library(ROOT / "sources")
    answers, problems = load_answers(ROOT / "sources" / "answers", {d.id for d in docs})
    return {d.id: d for d in docs}, answers, problems


def our_ids() -> set[str]:
    files = [yaml.safe_load((ROOT / "sources" / "answers" / f).read_text(encoding="utf-8")) for f in OURS]
    return {item["id"] for data in files for item in data["answers"]}


def test_shipped_answers_load_with_no_problem(shipped):
    _, answers, problems = shipped
    assert lines(problems) == []
    assert len(load_uncovered(ROOT / "sources" / "answers")) >= 60
    assert len(our_ids()) >= 32 and our_ids() <= {a.id for a in answers}


def test_every_shipped_answer_sentence_is_backed_by_its_notes(shipped):
    docs, answers, _ = shipped
    found, total = answers_check.failures(answers, docs)
    assert total > 0 and found == []


def test_answers_check_command_exits_zero(capsys):
    assert answers_check.main([]) == 0
    assert "0 of" in capsys.readouterr().out
    assert answers_check.main(["--answer", "no-such-answer"]) == 1


def test_our_answers_read_at_grade_eight_or_below(shipped):
    _, answers, _ = shipped
    ours = our_ids()
    grades = {a.id: max(fk_grade(a.text), fk_grade(a.answer[0].text)) for a in answers if a.id in ours}
    assert grades and {aid: g for aid, g in grades.items() if g > 8} == {}  # whole answer and its lead


def test_no_shipped_answer_opens_on_a_bare_yes_or_no(shipped):
    """A reviewed answer meets many wordings of its ask: "Is aHSCT proven or still experimental?"
    read oddly when the answer opened "Yes, for some people:". The first sentence says its point
    as a statement instead."""
    _, answers, _ = shipped
    bare = re.compile(r"^(yes|no|usually (yes|not)|only in some cases)\s*[,:]", re.I)
    assert [a.id for a in answers if bare.match(a.answer[0].text)] == []


def test_whether_aHSCT_is_worth_the_risk_states_the_risk_of_death(shipped):
    """Asked whether the benefit outweighs the risk, the answer must name the main risk with its
    figure, not only say that the risk is greater than a drug's."""
    _, answers, _ = shipped
    text = next(a for a in answers if a.id == "ahsct-worth-the-risk").text
    assert re.search(r"died|death", text) and re.search(r"\d+(\.\d+)?%", text)


def test_an_answer_offers_only_the_variants_that_fit_the_person(tmp_path):
    young = {"when": {"age_max": 44}, "text": "Younger people fit the usual profile.", "sources": ["note-a"]}
    [answer], _ = load(tmp_path, entry(variants=[GOOD["variants"][0], young]))
    assert [v.text for v in answer.variants_for(ms_type="progressive", age=50)] == [
        "Progressive MS carries more risk."
    ]
    assert [v.text for v in answer.variants_for(ms_type="relapsing", age=30)] == [
        "Younger people fit the usual profile."
    ]
    assert answer.variants_for() == []
