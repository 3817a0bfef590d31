"""The claim guard on the shipped registry: stances, corrections never flagged, LLM claims cut."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from fakes import ScriptedChat, passage_number

from assistant.claims import CARD_COVERAGE, question_texts
from assistant.cli import main
from assistant.guard_text import claim_core, declarative, heard_questions, tells_own_story
from assistant.pipeline import Assistant
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped() -> Assistant:
    settings = Settings().resolve(ROOT)
    if not (settings.index_dir / "manifest.json").exists():
        pytest.fail("the shipped index is missing: run `assistant index` (make test does)")
    return Assistant(settings)


@pytest.mark.parametrize(
    ("text", "stance", "claim"),
    [
        (
            "Umbilical cord stem cells carry no risk of rejection.",
            "asserts",
            "cord-msc-no-rejection",
        ),
        (
            "Our infusions rebuild the myelin that MS has stripped from your nerves.",
            "asserts",
            "msc-repair-myelin",
        ),
        (
            "There is no good evidence that umbilical cord cells are free of rejection risk.",
            "refutes",
            "cord-msc-no-rejection",
        ),
        (
            # a report with a debunk: either stance is right (evals/guard/README.md); the debunk's
            # words ("study", "shown") are those of the claim about a trial and name no claim
            "Some clinics say their cells repair myelin, but no study in people has shown this.",
            "refutes|reports",
            "msc-repair-myelin",
        ),
        (
            "The clinic's brochure says that cord cells are never rejected.",
            "reports",
            "cord-msc-no-rejection",
        ),
        ("Is it true that cord cells cannot be rejected?", "asks", "cord-msc-no-rejection"),
    ],
)
def test_stance_on_clear_examples(shipped, text, stance, claim):
    [result] = shipped.guard.check_text(text)
    assert result.stance in stance.split("|") and result.claim is not None
    # Related registry entries (e.g. the three cord-rejection claims) share a correction family.
    assert result.claim.id.split("-")[:2] == claim.split("-")[:2], result.claim.id


@pytest.mark.parametrize(
    "text",
    [
        "In the MIST trial, disability progression occurred in 3 people after aHSCT and in 34 people on DMT.",
        "The MESEMS trial found no reduction in gadolinium-enhancing lesions with mesenchymal stem cells.",
        "I get my MRI scan every year and my neurologist checks my walking.",
    ],
)
def test_true_evidence_and_unrelated_text_are_not_blocked(shipped, text):
    [result] = shipped.guard.check_text(text)
    assert result.stance != "asserts", result


def test_corrections_and_claim_cards_are_never_flagged(shipped):
    flagged = []
    for claim in shipped.guard.claims:
        for r in shipped.guard.check_text(claim.correction):
            if r.stance == "asserts":
                flagged.append((claim.id, r.sentence))
        lead = f'Some clinics claim: "{claim.claim.rstrip(".")}."'
        if shipped.guard.check_text(lead)[0].stance == "asserts":
            flagged.append((claim.id, lead))
    assert flagged == []


def test_question_quoting_a_clinic_leads_with_the_claim_card(shipped):
    answer = shipped.ask("The clinic says their cells repair myelin — is that true?")
    assert answer.claims and answer.claims[0].id == "msc-repair-myelin"
    assert answer.claims[0].matched_in == "question"
    assert answer.answer.startswith('Some clinics claim: "')
    cited = {c.source_id for c in answer.citations}
    assert cited & set(answer.claims[0].source_ids)


def scripted(shipped: Assistant, script) -> Assistant:
    """An assistant whose LLM follows the script, sharing the shipped guard and index. Reviewed
    answers are switched off (threshold above 1), so every ask goes to the scripted model."""
    settings = shipped.settings.model_copy(update={"answer_threshold": 1.01})
    llm = Assistant(settings, chat_model=ScriptedChat(script=script))
    llm.__dict__.update(guard=shipped.guard, collections=shipped.collections, retriever=shipped.retriever)
    return llm


def test_llm_claims_are_removed_and_true_sentences_kept(shipped):
    def script(prompt: str) -> str:
        n = passage_number(prompt, "34")
        return (
            "In the MIST trial, disability progression occurred in 3 people after aHSCT "
            f"and in 34 people on DMT [{n}]. "
            "Umbilical cord stem cells are never rejected by the body, "
            f"so no donor matching is needed [{n}]. "
            f"Our stem cell infusions regrow the myelin that MS destroys [{n}]."
        )

    answer = scripted(shipped, script).ask("What did the MIST trial show about aHSCT?")
    assert "34 people on DMT" in answer.answer
    assert "never rejected by the body" not in answer.answer and "regrow the myelin" not in answer.answer
    blocked = [c for c in answer.claims if c.matched_in == "answer"]
    assert len(blocked) >= 2 and all(c.stance == "asserts" for c in blocked)
    assert any(c.id.startswith("cord-msc") for c in blocked)
    for result in shipped.guard.check_text(answer.answer):
        assert result.stance != "asserts" or result.sentence.startswith("Some clinics claim"), result


def test_check_command_json_and_stdin(shipped, capsys, monkeypatch):
    text = "Umbilical cord stem cells carry no risk of rejection."
    assert main(["--index-dir", str(shipped.settings.index_dir), "check", "--json", text]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["claim"] == "cord-msc-no-rejection" and row["stance"] == "asserts" and row["score"] > 0.5
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("There is no good evidence that umbilical cord cells are free of rejection risk."),
    )
    assert main(["--index-dir", str(shipped.settings.index_dir), "check", "--json", "-"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["stance"] != "asserts"


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        # a premise followed by a negative question word
        ("Since cord cells are never rejected, shouldn't I skip the donor tests?", "cord-msc-no-rejection"),
        # a premise without an opener: "X, so <question>"
        ("Stem cells repair the myelin MS destroys, so why wait?", "msc-repair-myelin"),
        # attribution in the middle of the sentence
        ("I was hesitant, but the clinic insists their cells rebuild my myelin.", "msc-repair-myelin"),
        # a tag question
        ("Cord stem cells are never rejected, are they?", "cord-msc-no-rejection"),
    ],
)
def test_claims_inside_leading_and_framed_questions_get_their_card(shipped, question, claim):
    assert claim in [r.claim.id for r in shipped.guard.in_question(question)]


def test_a_conclusion_drawn_from_a_strong_claim_match_asserts(shipped):
    [result] = shipped.guard.check_text(
        "Because the lab is FDA-registered, their cord cells are approved for MS treatment."
    )
    assert result.claim is not None and result.stance == "asserts"


def test_rhetorical_questions_in_llm_answers_are_removed(shipped):
    def script(prompt: str) -> str:
        n = passage_number(prompt, "34")
        return (
            f"In the MIST trial, disability progression occurred in 3 people after aHSCT and in 34 "
            f"people on DMT [{n}]. Why put up with MS when stem cells can cure it today [{n}]?"
        )

    answer = scripted(shipped, script).ask("What did the MIST trial show about aHSCT?")
    assert "34 people on DMT" in answer.answer
    assert "put up with MS" not in answer.answer
    assert any(c.matched_in == "answer" for c in answer.claims)


# -- issue 15: clinic register, negation-worded claims, cards only where a claim was made ----


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        # a claim worded as a negation, asserted in the clinic's words
        ("Our treatment has absolutely no side effects.", "stem-cells-completely-safe"),
        # a claim worded as a denial of evidence, asserted by a sentence that opens with the denial
        (
            "There is no solid proof that viruses like Epstein-Barr have anything to do with MS.",
            "ms-virus-link-unproven",
        ),
        # a pasted heading without a full stop
        ("Stem cells rebuild damaged myelin", "msc-repair-myelin"),
    ],
)
def test_clinic_register_and_negation_worded_claims_assert(shipped, text, claim):
    [result] = shipped.guard.check_text(text)
    assert result.stance == "asserts" and result.claim is not None, result


@pytest.mark.parametrize(
    "text",
    [
        "Stem cells do not cure multiple sclerosis.",
        "aHSCT is not risk-free.",
        "A registered lab is not an approved treatment.",
    ],
)
def test_plain_contradictions_without_stock_openers_are_not_blocked(shipped, text):
    [result] = shipped.guard.check_text(text)
    assert result.stance != "asserts", result


@pytest.mark.parametrize(
    "text",
    [
        # a lower ranking of a "the more, the better" claim
        "Bigger cell doses gave weaker results in some studies than moderate ones.",
        # going beyond a claim of restriction ("only manage symptoms")
        "MS medicines also slow the disease itself, beyond easing symptoms.",
        # what a "no side effects" claim rules out, said to happen
        "Side effects such as fever and headache are common after stem cell infusions.",
    ],
)
def test_contradictions_without_any_negation_word_are_not_blocked(shipped, text):
    [result] = shipped.guard.check_text(text)
    assert result.stance != "asserts", result


def test_comparison_and_restriction_read_against_the_claim():
    from assistant.guard_text import opposes

    assert opposes("It helps far less in older people.", "It works just as well at any age.")
    assert opposes("The drugs do more than ease symptoms.", "The drugs only manage symptoms.")
    assert not opposes("It works better than expected.", "It works just as well at any age.")


@pytest.mark.parametrize(
    "question",
    [
        "Am I eligible for HSCT?",
        "What are the risks of aHSCT?",
        "How much does stem cell treatment cost abroad?",
        # "honestly" before the question word had made it a statement with a question mark, and
        # "stand" then matched a patient's story of standing again
        "honestly where do you guys stand on stem cells for ms?",
    ],
)
def test_plain_questions_get_no_card(shipped, question):
    assert shipped.guard.in_question(question) == []


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        # pasted fragment, no full stop
        ("Cord stem cells never rejected - no donor matching needed", "cord-msc"),
        # a quoted span inside a question
        ('A clinic page says "our infusions reverse MS disability". Is that right?', "stem-cells-reverse"),
        # a yes/no question about the claim itself
        ("Do stem cells really cure MS?", "stem-cells-cure"),
        # the second sentence of a quoted passage states its own claim
        (
            "My dad's leaflet: \"Our cells rebuild your myelin. 85% of our MS patients report improvement "
            'within weeks." Is any of that real?',
            "clinic-success-rate",
        ),
    ],
)
def test_pasted_quoted_and_asked_claims_get_their_card(shipped, question, claim):
    found = [r.claim.id for r in shipped.guard.in_question(question)]
    assert any(c.startswith(claim) for c in found), found


def test_non_english_text_is_flagged_and_english_is_not():
    from assistant.claims import non_english

    assert non_english("Las células madre curan la esclerosis múltiple en pocas semanas.")
    assert non_english("Die Stammzellen heilen die Krankheit und alle sind zufrieden.")
    assert non_english("Стволовые клетки излечивают рассеянный склероз.")
    assert not non_english("Stem cells cure multiple sclerosis in a few weeks.")
    assert not non_english("…the treatments involve no pain, no side effects, no prolonged recovery")


@pytest.mark.parametrize(
    "question",
    [
        # the asker's own situation, then a plain question: no clinic claim was made
        "My sister has MS. Should she try stem cells?",
        "My husband was diagnosed last year. Should we look at stem cells?",
        "I have relapsing MS and my drug stopped working. What are my options?",
        # a question that opens with context is still a question, not a statement with a "?"
        "For someone my age with SPMS, wouldn't the risks of HSCT be more than the gain?",
        "Four months after my transplant, do I still have to keep away from crowds?",
        # "MS" is the topic of every claim, not what one says: this shares only "MS" (and the
        # treatment's name) with "aHSCT is a suitable first treatment for anyone with MS"
        "I have two offers, one in Moscow and one in Puebla. They both do HSCT for MS. How do I choose?",
        # the chemotherapy that "MSCs match HSCT while avoiding chemotherapy" rules out, said to
        # happen: a risk the asker heard of, not that claim
        "A friend who is a nurse told me the chemo in HSCT can give you cancer later. Is that true?",
    ],
)
def test_the_askers_situation_is_not_a_claim(shipped, question):
    assert shipped.guard.in_question(question) == []


def test_a_claim_stated_with_a_question_mark_gets_its_card(shipped):
    question = "The clinic is listed on clinicaltrials.gov so their trial must be real, no?"
    found = [r.claim.id for r in shipped.guard.in_question(question)]
    assert found == ["clinicaltrials-gov-listing-proves-legitimacy"], found


# -- question-side cards: only where the asker states, quotes, pastes or doubts a claim ------


@pytest.mark.parametrize(
    "question",
    [
        # short plain questions on a claim's topic
        "Am I eligible?",
        "How much does it cost in Mexico?",
        "Is it legit?",
        "Does it work for progressive MS?",
        # a yes/no question about a claim's content, asked for facts: the answer replies to it
        "Can cord blood stem cells treat multiple sclerosis?",
        "Will MSC infusions make my walking better?",
        # the asker's own story names a treatment; it states no claim
        "She is thinking about going to another country for stem cell treatment. What should she ask?",
        "I m two years after the HSCT and my legs tingle again. Should I be worried?",
        "My neurologist emailed me that I have a very active form of MS. Is HSCT an option for me?",
        # a conditional about the asker's own plans is no premise
        "If I skip the stem cell injections abroad, where will my MS be in a year?",
        # the doubting word belongs to another question of the sentence
        "Will HSCT halt primary progressive MS, and is the waiting list really two years?",
    ],
)
def test_plain_questions_never_get_a_card(shipped, question):
    assert [r.claim.id for r in shipped.guard.in_question(question)] == []


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        # heard or doubted: "really", a marketing absolute
        ("Do stem cells really cure MS?", "stem-cells-cure-ms"),
        ("Is aHSCT completely risk-free now?", "ahsct-risk-free"),
        # attributed to someone, with the asker's family in the sentence
        (
            "They told my wife the cells will rebuild the myelin on her nerves. Is that so?",
            "msc-repair-myelin",
        ),
        # a premise that is a claim, not the asker's plans
        ("Since cord cells are never rejected, why do they test my blood?", "cord-msc-no-rejection"),
        # a statement with a question mark
        ("The clinic lab is FDA registered so the stem cell treatment is FDA approved?", "fda-registered"),
        # the claim opens the sentence; the asker's "I" comes after it
        (
            "Stem cells repair damaged myelin - I saw this line on a clinic page. Is there truth in it?",
            "msc-repair",
        ),
        # attributed to a group or to staff, with "my" / "me" in the frame
        ("Everybody in my forum says aHSCT cures MS in everyone. Is that so?", "ahsct-cures-all-ms"),
        (
            "The nurse there assured me that the infused cells travel to the damaged spots in the brain "
            "and heal them, is that how it works?",
            "msc-home-to-damaged-tissue",
        ),
        # hearsay in the first person, then a question about it
        (
            "I've seen so many videos of patients improving after stem cells. Isn't that proof?",
            "testimonials",
        ),
        # what many people say about their own results is a testimonial, not the claim it resembles
        ("Loads of people on the forum say stem cells helped them.", "testimonials"),
        # the doubted question is about "they": its content is the rest of the sentence
        (
            "Do stem cell infusions cause side effects, or are they completely safe?",
            "stem-cells-completely-safe",
        ),
        # the doubt in a second sentence about "they", its content in the first
        (
            "How long do injected stem cells stay alive? Do they really last ten years?",
            "msc-persist-for-years",
        ),
        # attributed, about a registration rather than a treatment
        (
            "They told me the study is registered on clinicaltrials.gov so the government has checked it.",
            "clinicaltrials",
        ),
    ],
)
def test_stated_or_doubted_claims_get_their_card(shipped, question, claim):
    found = [r.claim.id for r in shipped.guard.in_question(question)]
    assert any(c.startswith(claim) for c in found), found


def test_the_text_rules_behind_the_cards():
    assert heard_questions("Will it stop PPMS, and is approval really expected soon?") == [
        "is approval really expected soon?"
    ]
    assert heard_questions("Does it work for progressive MS?") == []
    both = "Do they hurt, or are they completely safe?"
    assert heard_questions(both) == [both]  # "they" takes its content from the whole sentence
    assert declarative("Approved by an ethics board = proven safe?")
    assert not declarative("For someone like me, wouldn't the risks be too high?")
    assert not declarative("and are they FDA approved?")  # seen in use: read as a statement, got a card
    assert declarative("and FDA approved = safe?")
    assert not declarative("honestly where do you stand on stem cells?")
    assert not declarative("It is approved treatment?")  # seen in use: got the FDA-registered card
    assert declarative("It is approved by the FDA, so it is safe?")
    assert declarative("Honestly, stem cells repair myelin?")
    # a joining word before the frame: the claim is still stripped out and checked
    assert claim_core("And is it true that stem cells repair myelin?") == "stem cells repair myelin"
    assert tells_own_story("She is considering stem cell treatment abroad.")
    assert not tells_own_story("They say my own fat cells cannot harm me.")
    assert not tells_own_story("Our stem cells repair damaged myelin")


def test_doubting_clauses_are_embedded_with_the_question():
    # `in_question` reads a doubting clause's own vector; the answer's one batch must hold it
    texts = question_texts("Will it stop PPMS, and is approval really expected soon?")
    assert "is approval really expected soon?" in texts
    two = question_texts("How long do the cells live? Is it really ten years?")
    assert "How long do the cells live? Is it really ten years?" in two


@pytest.mark.parametrize(
    "sentence",
    [
        "A clinic in Cancun emailed me that their stem cell treatment has a success rate of 85 percent.",
        "A centre in Mexico has accepted him for HSCT and says it works just as well for progressive MS.",
    ],
)
def test_a_claim_a_clinic_wrote_or_said_is_attributed_not_the_askers_story(sentence):
    from assistant.guard_text import attributed, claim_core, tells_own_story

    assert attributed(sentence) and not tells_own_story(sentence)
    assert claim_core(sentence).startswith(("their stem cell", "it works"))


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        (
            # the reason given ("the cells come from my own body") is the claim that one's own cells
            # carry no risk, not "natural, so harmless" nor "completely safe", which share the
            # conclusion (questions.yaml and questions_real.yaml label the same reason so)
            "I'm worried about risks, but the clinic says the cells come from my own body, so nothing "
            "could go wrong. Is that true?",
            "own-cells-no-risk-no-rejection",
        ),
        (
            "clinic says stem cell therapy repairs the damaged myelin in MS. real or marketing?",
            "msc-repair-myelin",
        ),
        (
            "HSCT scares me, but people online say it's totally safe now and nobody dies. True?",
            "ahsct-risk-free",
        ),
        (
            "I'm worried about the price, but the clinic reassured me the stem cells survive in my body "
            "for a decade. Is that real?",
            "msc-persist-for-years",
        ),
    ],
)
def test_a_claim_someone_made_gets_its_card_whatever_the_askers_but(question, claim, shipped):
    assert claim in [r.claim.id for r in shipped.guard.in_question(question)]


def test_a_neurologists_caution_is_not_a_clinic_claim(shipped):
    question = (
        "My neurologist is referring me for HSCT but warns that at my stage the chemo might bring "
        "little or no gain. Is that right?"
    )
    assert shipped.guard.in_question(question) == []


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        # what the asker read or heard, wrapped in their worry
        (
            "I'm scared I'm wasting my time on injections, because I read that MS drugs only cover up "
            "the symptoms.",
            "dmts-only-manage-symptoms",
        ),
        (
            "I feel anxious about needles, but I liked hearing that the stem cell infusion is just a drip "
            "with no downtime.",
            "iv-msc-non-invasive-no-downtime",
        ),
        (
            "I was relieved to read that cord cells can never be rejected by the body.",
            "cord-msc-no-rejection",
        ),
        # the asker's feeling, then the claim as the reason for it
        (
            "I'm in the UK and feel left behind, because clinics in America are getting incredible "
            "results with stem cells for MS.",
            "us-stem-cell-ms-remarkable-results",
        ),
        # a premise that runs on past a relative "which"
        (
            "Since the clinic's trial is one patients pay to join, which proves it is legitimate, where do "
            "I apply?",
            "pay-to-participate-trial-legitimate",
        ),
    ],
)
def test_a_claim_the_asker_read_heard_or_fears_gets_its_card(shipped, question, claim):
    assert claim in [r.claim.id for r in shipped.guard.in_question(question)]


@pytest.mark.parametrize(
    "question",
    [
        "My mum (70, SPMS) had stem cells injected at a clinic last month and has headaches. Normal?",
        "I read about HSCT and I'm wondering whether I'm eligible.",
        "I had HSCT two years ago, and since then I have had no relapses. Is that typical?",
    ],
)
def test_the_askers_own_story_around_a_treatment_gets_no_card(shipped, question):
    assert shipped.guard.in_question(question) == []


@pytest.mark.parametrize(
    "question",
    [
        # being told or reading about a treatment names it, it says nothing of it (the risk
        # claim's card came from the name "HSCT" alone)
        "Someone in a Facebook group told me about HSCT.",
        "Someone in a Facebook group told me about HSCT. Is it a scam or is it real, as a big hospital "
        "is researching it?",
        "A friend told me about stem cell therapy in Mexico.",
        "I read about MSC infusions on a forum. Are they any good?",
        "My cousin mentioned HSCT to me last week. What is it?",
    ],
)
def test_being_told_about_a_treatment_is_no_claim(shipped, question):
    assert [r.claim.id for r in shipped.guard.in_question(question)] == []


@pytest.mark.parametrize(
    "question",
    [
        # the asker's diagnosis and their doctor's prognosis name no treatment: "relapsing-remitting"
        # and "years" are the halt-progression claim's words ("remission", "years without relapses")
        "I was diagnosed with relapsing-remitting MS at 44 and the doctor told me 'six years until you "
        "are in a wheelchair'. Is HSCT real?",
        "I was diagnosed with relapsing-remitting MS at 44 and the doctor told me 'in six years you will "
        "be in a wheelchair'. Someone in a Facebook group told me about HSCT. Is it a scam or is it "
        "real, as a big hospital is researching it?",
        'I was diagnosed with relapsing-remitting MS last spring and the doctor told me "most people are '
        'fine for twenty years". Should I look at stem cells?',
        "I was diagnosed with SPMS at 50 and the doctor said 'in ten years you will need a walker'. What "
        "are my options?",
    ],
)
def test_the_askers_diagnosis_and_a_doctors_prognosis_get_no_card(shipped, question):
    assert [r.claim.id for r in shipped.guard.in_question(question)] == []


def test_a_clinic_doctors_words_about_a_treatment_still_get_their_card(shipped):
    question = (
        "The doctor at the clinic told me 'our stem cell infusions stop MS progression for years'. True?"
    )
    found = [r.claim.id for r in shipped.guard.in_question(question)]
    assert "msc-halt-progression-long-remission" in found, found


def test_a_claims_content_words_are_not_its_treatments_name(shipped):
    guard = shipped.guard
    risk_free = [c.id for c in guard.claims].index("ahsct-risk-free")
    # "HSCT" is the claim's own word, yet names its topic: it is not counted as the claim's
    assert guard.content_coverage("Someone in a Facebook group told me about HSCT.")[risk_free] == 0.0
    assert guard.content_coverage("HSCT has no risks at all")[risk_free] >= CARD_COVERAGE


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        # the same frames, with what was said about the treatment
        ("Someone in my Facebook group said HSCT has no risks at all.", "ahsct-risk-free"),
        ("Someone in a Facebook group told me HSCT is completely safe now. Is that true?", "ahsct-risk-free"),
        ("A friend told me that stem cells cured her MS.", "patient-recovered-after-stem-cells"),
        (
            "I read on a forum that MSC infusions halt MS progression and give years of remission.",
            "msc-halt-progression-long-remission",
        ),
    ],
)
def test_what_someone_told_the_asker_about_a_treatment_gets_its_card(shipped, question, claim):
    assert claim in [r.claim.id for r in shipped.guard.in_question(question)]


def test_a_stance_the_library_has_no_example_of_gets_no_probability():
    """A small library may hold no reporting sentence: the stance model still fits, and a stance
    it never saw is never chosen."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from assistant.guard_model import STANCES, _softmax_rows

    rows = [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.5, 0.5], [0.4, 0.6]]
    labels = ["asserts", "asserts", "refutes", "refutes", "none", "none"]
    weights, bias = _softmax_rows(LogisticRegression().fit(rows, labels))
    logits = weights @ [1.0, 0.0] + bias
    probs = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    assert probs[STANCES.index("reports")] < 1e-6 and probs.argmax() == STANCES.index("asserts")
    two_w, two_b = _softmax_rows(LogisticRegression().fit(rows[:4], labels[:4]))
    two = two_w @ [0.0, 1.0] + two_b
    assert two.argmax() == STANCES.index("refutes")


# -- issue 15, round two: no card without the claim's content; the right one of overlapping claims


@pytest.mark.parametrize(
    "question",
    [
        # a clinic offering or selling a treatment names a product, it states no claim
        "A centre in Costa Rica has offered me a course of stem cell injections. None of my MS "
        "medicines worked. Is it worth a try?",
        "A clinic sells cord blood stem cell packages online. How do I know if it's a real company?",
        # money raised for a treatment, and what the asker hopes from it
        "My parents took out a loan so I can have stem cell infusions at a private clinic in Prague. "
        "Will I get the use of my hands back?",
        # near every claim's topic ("MS", "cells"), and what no claim says
        "can my daughter inherit ms from me",
        # a question word after a preposition still opens a question
        "I've had two relapses on my current MS drug. At what point does HSCT become an option?",
        # a condition supposes, it takes no claim for granted
        "If a stem cell treatment costs a lot, does that mean it's better?",
        # the asker's own clinician speaking: advice, not a clinic's claim
        "my doctor said maybe HSCT in 2 years if the relapses continue. should i wait or go private now?",
        # clinics that offer a treatment, however strongly the sentence matches a claim's topic,
        # say nothing the claim says (no cure, no myelin, no safety named)
        "There are so many clinics offering stem cells for MS. How can I tell which one is only for money?",
        # what a package holds, cut from the sentence at its colon: a product's name, no claim
        "A clinic in Belize offered my wife a package: umbilical cord mesenchymal cells, eight IV infusions "
        "over ten days, hotel included. Is it worth it?",
        "So many clinics sell stem cells for MS. How do I spot the ones that just want money?",
    ],
)
def test_a_question_on_a_claims_topic_without_its_content_gets_no_card(shipped, question):
    assert [r.claim.id for r in shipped.guard.in_question(question)] == []


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        # overlapping claims: the claim's own words decide (homing, not shrinking lesions; lasting
        # benefit, not cells that persist; regrown myelin, not a trial of fat cells)
        ("The clinic told me their cells travel straight to my lesions. True?", "msc-home-to-damaged-tissue"),
        (
            "Heard the cells keep healing you for years even after they're gone - really?",
            "benefits-last-years-after-cells-gone",
        ),
        ("My neurologist laughed when I said MSCs regrow myelin. Do they?", "msc-repair-myelin"),
        # an offer that says something about what is offered keeps its card
        (
            "A clinic in Panama offers stem cells that they say will cure my MS. Should I believe them?",
            "stem-cells",
        ),
        ("A clinic in Cancun sells stem cell infusions that repair myelin.", "msc-repair-myelin"),
        ("The clinic in Kyiv offers umbilical cord cells with no rejection.", "cord-msc-no-rejection"),
        (
            "Their website claims an FDA-registered lab means the treatment itself is approved. Is that "
            "how it works?",
            "fda-registered-lab-means-approved",
        ),
    ],
)
def test_the_card_is_the_claim_whose_own_words_the_asker_used(shipped, question, claim):
    found = [r.claim.id for r in shipped.guard.in_question(question)]
    assert found and found[0].startswith(claim), found


def test_a_claims_distinctive_words_tell_overlapping_claims_apart(shipped):
    guard = shipped.guard
    from assistant.text import content_words

    ids = [c.id for c in guard.claims]
    shares = guard.distinctive(set(content_words("Their lab is FDA registered, so it is approved.")))
    assert ids[int(shares[:, 0].argmax())] == "fda-registered-lab-means-approved"
    # recall: the cure claim's words are all there, the "soon, with more research" claim's are not
    recall = guard.distinctive(set(content_words("Do stem cells really cure MS?")))[:, 1]
    assert recall[ids.index("stem-cells-cure-ms")] > recall[ids.index("stem-cells-will-soon-cure-ms")]


def test_the_text_rules_of_offers_clinicians_conditions_and_preposed_questions():
    from assistant.guard_text import clinician_says, declarative, only_offered, opens_conditional

    assert only_offered("A clinic offers me stem cell shots in Panama.")
    assert not only_offered(
        "A wellness centre is offering exosome drips for MS and says they are FDA approved."
    )
    assert not only_offered("Exosomes are approved and totally safe according to the spa that sells them.")
    assert clinician_says("My neurologist will refer me for HSCT, but says that the chemo may not help.")
    assert not clinician_says("My neurologist laughed when I said MSCs regrow myelin.")
    assert not clinician_says("My sister says stem cells cure MS.")
    assert opens_conditional("If a study is listed on ClinicalTrials.gov, does that mean it's legitimate?")
    assert not opens_conditional("Since cord cells can't be rejected, which clinic is best?")
    assert not declarative("At what point does HSCT become an option?")
    assert declarative("Approved by the ethics board = proven safe?")


def test_question_texts_are_read_once_per_message_with_the_same_output():
    """The answer's batch (`question_texts`) and `in_question` (twice) read the same question:
    its sentences, spans and cores are computed once (issue 18: ~3 ms each time)."""
    from assistant import claims
    from assistant.guard_text import claim_cores, follow_ups, heard_questions, later_clauses, quoted_spans
    from assistant.text import CITATION, split_sentences

    question = (
        'My clinic says "cord cells are never rejected". Is that true? How long do the cells survive? '
        "Is it really ten years? I'm worried, because clinics there get amazing results."
    )

    def reference(q: str, cores_only: bool = False) -> list[str]:  # the computation before the memo
        sentences = split_sentences(q) or [q]
        spans = [*sentences, *(s for s in quoted_spans(q) if s not in sentences), *follow_ups(sentences)]
        cores = [c for s in spans for t in (s, CITATION.sub("", s).strip()) for c, _ in claim_cores(t)]
        cores += [h for s in spans for h in heard_questions(s) if h != s.strip()]
        cores += [c for s in spans for c in later_clauses(s) if claims.TREATMENT.search(c)]
        return list(dict.fromkeys(cores if cores_only else [*spans, *cores]))

    claims._question_parts.cache_clear()
    assert claims.question_texts(question) == reference(question)
    assert claims.question_texts(question, cores_only=True) == reference(question, cores_only=True)
    first = claims._question_parts.cache_info()
    claims.question_texts(question)
    again = claims._question_parts.cache_info()
    assert (first.misses, again.misses, again.hits - first.hits) == (1, 1, 1)


@pytest.mark.parametrize(
    ("question", "claim"),
    [
        # overlapping claims that share the conclusion ("no rejection", "safe"): the reason the
        # asker passes on names the claim
        (
            "A clinic rep told me donor cord cells can't be rejected because they are immune "
            "privileged. Should I trust that?",
            "cord-msc-immune-privileged",
        ),
        (
            "The brochure says that since the cells are harvested from my own body, there is no risk "
            "at all. Is that true?",
            "own-cells-no-risk-no-rejection",
        ),
    ],
)
def test_the_reason_given_picks_among_claims_that_share_a_conclusion(shipped, question, claim):
    found = [r.claim.id for r in shipped.guard.in_question(question)]
    assert found and found[0] == claim, found


def test_a_closing_debunk_does_not_pick_the_claim():
    from assistant.guard_text import reason_clause, without_debunk

    # the debunk's words ("trial", "shown") are those of claims about studies
    assert without_debunk("Clinics say their cells shrink lesions, but no trial has shown it.") == (
        "Clinics say their cells shrink lesions"
    )
    # "nothing could go wrong" is the claim's own conclusion, not a debunk
    sentence = "I was nervous, but they said the cells are mine, so nothing could go wrong."
    assert without_debunk(sentence) == sentence
    assert reason_clause("Cord cells are never rejected, so no matching is needed.") == (
        "Cord cells are never rejected"
    )
    assert reason_clause("Rejection cannot happen because cord cells are immune privileged.") == (
        "cord cells are immune privileged"
    )
    # a story offered as proof: the claim is the inference ("so it works"), not the story
    assert reason_clause("My aunt walked again after her infusions, so it works.") == ""


def test_hyphenated_and_apostrophe_free_words_read_like_their_usual_forms():
    from assistant.guard_model import word_set
    from assistant.guard_text import NEGATION

    assert word_set("FDA-registered, immune-privileged") == word_set("FDA registered, immune privileged")
    assert NEGATION.search("the drugs dont change the disease")
    assert NEGATION.search("it doesn’t last")


def test_a_persons_own_outcome_told_as_a_story_is_a_testimonial(shipped):
    from assistant.guard_text import tells_outcome

    assert tells_outcome("My uncle says stem cells cured his MS, so they must work.")
    assert not tells_outcome("Stem cells can cure my MS for good.")  # a promise, not a story
    assert not tells_outcome("The clinic says their cells cure MS.")
    question = "A friend says her MS went away after two infusions, so it obviously works. Is that true?"
    found = [r.claim.id for r in shipped.guard.in_question(question)]
    assert found and found[0] == "patient-recovered-after-stem-cells", found


def test_stance_core_fits_without_labelled_lines():
    """A clone without the development lines and with no tuning examples (a fresh checkout run
    alone, `ASSISTANT_GUARD_EXAMPLES` empty) still builds a small library's guard: the core's
    match model has only the registry's own wordings (one class) and keeps its default weights
    instead of failing the fit, so the page starts."""
    from assistant.embeddings import load_embedder
    from assistant.flow.guard import CORE_REGISTRY
    from assistant.guard_model import ClaimModels, _core_of
    from assistant.sources import load_claims

    core, problems = load_claims(CORE_REGISTRY)
    assert not problems
    embedder = load_embedder(Settings().embedding_model)
    rows, labels, _ = _core_of(core, embedder, [], [])
    assert len(rows) == len(labels) > len(core)
    assert {"asserts", "refutes"} <= set(labels)  # wordings and their corrections
    default = ClaimModels(core[:3], embedder)
    fitted = ClaimModels(core[:3], embedder)
    fitted._fit_match([], default.matrix[:0], [], [])
    assert (fitted.weights == default.weights).all() and fitted.bias == default.bias


def test_the_doctor_who_diagnosed_the_asker_speaks_advice_not_a_clinic_claim():
    from assistant.guard_text import clinician_says

    assert clinician_says("I was diagnosed in March and the neurologist told me 'keep working'.")
    assert not clinician_says("The doctor at the clinic told me the cells rebuild myelin.")
    assert not clinician_says("After I was diagnosed, the clinic's doctor said stem cells cure MS.")


def test_a_question_after_a_colon_is_the_askers_own_not_pasted_text():
    from assistant.guard_text import quoted_spans

    assert quoted_spans("Different question: I have RRMS, am I eligible for HSCT?") == []
    assert quoted_spans("One more thing: how long is recovery?") == []
    assert quoted_spans("What about this: stem cells cure MS?") == ["stem cells cure MS"]


def test_what_a_claim_rules_out_said_to_happen_is_not_the_claim():
    from assistant.claims import ruled_out_words, says_it_happens, topicless
    from assistant.text import content_words

    chemo = "MSC therapy achieves outcomes comparable to HSCT while avoiding chemotherapy."
    ruled, words = ruled_out_words(chemo), set(content_words(topicless(chemo)))
    assert {"chemo", "chemotherapi"} <= ruled
    assert says_it_happens("My friend says the chemo in HSCT gives you cancer.", ruled, words)
    for stated in (
        "It's basically HSCT without the chemo.",
        "Why go through chemo when MSCs do the same job as HSCT?",
        "Our chemo-free protocol matches HSCT.",
    ):
        assert not says_it_happens(stated, ruled, words), stated
    safe = "Stem-cell treatment is completely safe and has no side effects."
    ruled, words = ruled_out_words(safe), set(content_words(topicless(safe)))
    # the claim's own "completely safe" is still the claim, side effects or not
    assert not says_it_happens("Completely safe, side effects are rare.", ruled, words)
    assert says_it_happens("The side effects were bad for my friend.", ruled, words)


def test_the_askers_own_near_misses_and_a_quoted_product_name_get_no_card(shipped):
    # a loose match in the asker's own words, with no one said to have made the claim
    plain = shipped.guard.in_question(
        "My son starts university next year. I read that HSCT wipes out your immunity. "
        "Can you relapse after HSCT with a clean MRI?"
    )
    assert plain == []
    # the product's name in quotation marks states nothing
    named = shipped.guard.in_question('She paid a deposit for "fat-derived stem cell therapy" in Cyprus.')
    assert named == []
    # the same weak kind of match said by someone still gets its card
    said = shipped.guard.in_question(
        "The clinic told me my own fat cells cannot harm me because they are mine."
    )
    assert [r.claim.id for r in said] == ["own-cells-no-risk-no-rejection"]


def test_each_clause_of_a_long_pasted_sentence_can_state_its_own_claim(shipped):
    found = shipped.guard.in_question(
        'Their page: "We use your own fat-derived stem cells, grown in our FDA-registered lab, '
        'to regenerate myelin and repair your nerves." Is it real?'
    )
    ids = {r.claim.id for r in found}
    assert "fda-registered-lab-means-approved" in ids
    assert ids & {"msc-repair-myelin", "msc-regenerate-nerves-and-scars"}


def test_short_lines_of_a_pasted_brochure_are_read_as_said_of_what_it_sells(shipped):
    # "EMA approved." and "with no side effects" match no claim alone; read as said of the stem
    # cell treatment the passage sells, each gets its card
    found = shipped.guard.in_question(
        'Their brochure says: "Our stem cell therapy regenerates myelin in most patients. EMA approved." '
        "Is this real?"
    )
    assert {"stem-cell-therapy-approved-for-ms", "msc-repair-myelin"} <= {r.claim.id for r in found}
    found = shipped.guard.in_question(
        'A clinic sent me this: "Our umbilical cord stem cell protocol has a 94% improvement rate in MS '
        'patients, with no side effects, and is approved by the Ministry of Health." True?'
    )
    assert "stem-cells-completely-safe" in {r.claim.id for r in found}
    # a line about a person, quoted with the advert, is no claim of the clinic's
    found = shipped.guard.in_question(
        'The clinic wrote: "Our stem cell protocol helps progressive MS. She is 66 with primary progressive '
        'MS."'
    )
    assert all("She is 66" not in r.sentence for r in found)


def test_a_pasted_list_of_absences_a_lab_clause_and_a_purpose_clause_each_get_their_card(shipped):
    # "No chemo, no rejection, no side effects." had matched one claim as a whole, which asked
    # for none of them; a lab named inside a long sentence and "…to regrow myelin" after a
    # clinic's name had matched nothing
    found = shipped.guard.in_question(
        'A coordinator messaged me: "Our Bogota centre infuses umbilical cord stem cells from our '
        "FDA-registered lab. No chemo, no rejection, no side effects. Our clinic uses cord-derived "
        'exosomes to repair nerves and regrow myelin." Is any of it true?'
    )
    ids = {r.claim.id for r in found}
    assert {"fda-registered-lab-means-approved", "stem-cells-completely-safe", "msc-repair-myelin"} <= ids
    # cells from a cord are someone else's: "no rejection" is the claim about donor cells
    assert "cord-msc-no-rejection" in ids and "own-cells-no-risk-no-rejection" not in ids


def test_a_choice_asked_without_inverting_the_verb_gets_no_card(shipped):
    # "They take the stem cells from blood or from bone?" had been read as a statement with a
    # question mark and carded as a claim that the cells turn into any cell
    assert (
        shipped.guard.in_question(
            "My transplant is next month. They take the stem cells from blood or from bone?"
        )
        == []
    )


def test_a_list_of_absences_after_a_dash_in_a_cord_advert(shipped):
    # the list after "100% safe –" was read only as one sentence, which named no cord cells
    found = shipped.guard.in_question(
        'A mum forwarded this from a clinic: "HOPE CELL CENTRE! Our umbilical cord stem cells RESTORE '
        "damaged nerves 🧠 90% of patients walk better in weeks. 100% safe – NO rejection, NO "
        'chemotherapy, NO hospital stay. Eight infusions, USD 16,000, hotel included." How should I '
        "answer her?"
    )
    assert "cord-msc-no-rejection" in {r.claim.id for r in found}


def test_a_pasted_heading_line_and_a_three_word_purpose_clause_get_their_cards(shipped):
    from assistant.flow.understand import read_message

    # the advert's heading line, joined to the next line, had hidden "Reverse your MS…" from the
    # guard; "…to rebuild myelin" was too short a clause to be read on its own
    heading = (
        'A patient showed me this flyer:\n"HELIOS REGEN CENTRE - Limassol\nReverse your MS using your own '
        'body power!\nOur purified signalling vesicles are made from donated cord tissue."\n'
        "What should I tell her?"
    )
    found = shipped.guard.in_question(read_message(heading, 2000).asked)
    assert "stem-cells-reverse-ms-disability" in {r.claim.id for r in found}
    purpose = (
        'Three patients brought me the same flyer: "Our exosomes are refined from premium donated umbilical '
        "cord tissue and carry billions of healing messages that pass through the blood-brain barrier to "
        'rebuild myelin. FDA-registered laboratory." How should I reply?'
    )
    assert "msc-repair-myelin" in {r.claim.id for r in shipped.guard.in_question(purpose)}
    # a wrapped line of the person's own message goes on with its sentence
    wrapped = "I saw Dr Ahmed at the MS clinic of Kings College\nHospital last week. Is HSCT safe?"
    own = read_message(wrapped, 500)
    assert "College Hospital" in own.asked
