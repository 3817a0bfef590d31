"""Reading the asks of a message: what each part of a long, personal message asks, in order."""

from __future__ import annotations

import pytest

from assistant.flow.asks import read_asks, vague
from assistant.flow.person import read_context


def texts(message: str) -> list[str]:
    return [a.text for a in read_asks(message)]


def test_a_lead_in_stays_with_its_question():
    asks = read_asks("Three months after my transplant, do I still have to stay away from crowds?")
    assert len(asks) == 1
    assert asks[0].text.startswith("Three months after my transplant")
    assert asks[0].aspect != "other" or "transplant" in asks[0].query


def test_either_or_is_one_question():
    asks = read_asks("Is HSCT worth it for me, or should I stay on my current drug?")
    assert len(asks) == 1


def test_two_questions_in_one_sentence_are_two_asks_in_order():
    asks = read_asks("Is aHSCT safe and how much does it cost in Mexico?")
    assert [a.aspect for a in asks] == ["risks", "cost"]
    # "it" in Mexico is the transplant, not clinics in general
    assert asks[1].treatment == "ahsct"
    assert "aHSCT" in asks[1].query


def test_a_vague_ask_reads_the_statement_before_it():
    message = (
        "My neuro told me the chemo might not improve anything for me now and could make later "
        "drugs harder to use. Is that true?"
    )
    (ask,) = read_asks(message)
    assert ask.text == "Is that true?"  # the heading shows what was asked
    assert "chemo" in ask.query  # the search and the match use what it refers to
    assert ask.treatment == "ahsct"


@pytest.mark.parametrize("text", ["Is that right?", "Is it true?", "Should I still go ahead?"])
def test_asks_that_name_nothing_are_vague(text):
    assert vague(text)


@pytest.mark.parametrize("text", ["Is HSCT safe?", "How much does MSC treatment cost?"])
def test_asks_that_name_their_topic_are_not_vague(text):
    assert not vague(text)


def test_a_statement_that_drops_its_subject_is_not_an_ask():
    message = "Had HSCT in Moscow two years ago. Was told it would last. What should I do about new lesions?"
    assert texts(message) == ["What should I do about new lesions?"]


def test_a_vague_ask_is_not_merged_into_the_question_before_it():
    message = (
        "Why is aHSCT not approved where I live? Some countries use it for MS but we do not. "
        "What are my options?"
    )
    assert len(read_asks(message)) == 2


def test_one_question_put_two_ways_is_one_ask():
    asks = read_asks("What is recovery like after aHSCT? How long until I recover enough to work?")
    assert len(asks) == 1


@pytest.mark.parametrize(
    "message",
    [
        "My dad had cells put in his spine on Friday and now his face is drooping. Is that normal?",
        "Since last night after HSCT he has a temperature of 38.4 and is shivering, who do we call?",
        "Her words are slurred since this morning, a week after the clinic injections. Should we wait?",
        "My brother finished aHSCT six weeks ago and tonight he has a bad cough and shivers. What to do?",
        "Had my transplant 3 weeks ago, now chills all evening, is this normal?",
        "Seven months after HSCT I had a fever of 100.5 F. Do I still need the ER for that?",
        "my mum is at the clinic having the cell drip and says her chest is tight, what do i do",
        "He phoned from the hospital abroad, he can't get his breath after the infusion. Help?",
        "Three weeks home after my transplant in Mexico and I got 38 fever tonight, what should I do",
        "my wife keeps having fevers since she finished hsct in april, is it normal?",
        "Since this morning I'm short of breath and my lips feel odd, 2 weeks out of chemo. Normal?",
        "got stem cells injected in my back in Lima 10 days ago, since then headache and fever, normal?",
        "My brother had the cord cell infusion on friday and now he has chills and a stiff neck",
        # low platelets months after the transplant (ITP): bleeding gums, tiny red dots
        "Had HSCT 8 months ago. Today I see tiny red dots on my legs and my gums bleed. Can it wait?",
        "since my transplant last year I bruise from nothing and had a nosebleed that lasted an hour",
    ],
)
def test_stroke_signs_and_fever_after_transplant_are_urgent(message):
    from assistant.flow.notices import urgent

    assert urgent(message)


@pytest.mark.parametrize(
    "message",
    [
        "I lost the use of my arms this year; could stem cells give them back?",
        "Is a 38 year old too old for HSCT?",
        "The clinic charges 38,000 dollars, is that normal?",
        "I get shivers down my spine when I read about HSCT, is it scary?",
        "Can a cough make MS symptoms worse?",
        "The budget is tight for us, can we pay for HSCT in instalments?",
        "I am 38 and had MS for 6 years, is HSCT an option for me after trying two drugs?",
        "At what temperature are the cord cells stored before the transplant?",
        "Is a fever common with stem cell infusions, and how long does it last?",
        "The clinic said the injections have no side effects like fevers, is that true?",
        "Do stem cell injections bruise much where the needle goes in?",
    ],
)
def test_ordinary_questions_are_not_urgent(message):
    from assistant.flow.notices import urgent

    assert not urgent(message)


def test_only_a_card_from_the_ask_itself_answers_a_claim_ask():
    from types import SimpleNamespace

    from assistant.flow.asks import Ask
    from assistant.flow.by_ask import _carded

    ask = Ask("The clinic says she must stop her drug now, should she?", "q", "claim", "clinics")
    other = SimpleNamespace(sentence="Cord cells are never rejected.")
    own = SimpleNamespace(sentence="The clinic says she must stop her drug now, should she?")
    assert not _carded(ask, [other])  # a card about another sentence: the ask is still answered
    assert _carded(ask, [other, own])


def test_an_unplaced_ask_is_answered_only_by_sentences_on_its_own_words():
    from assistant.flow.compose import on_topic

    ask = "Do I still need MRI scans every year after my transplant?"
    assert on_topic("After aHSCT, MRI scans are repeated to look for new lesions.", ask)
    # near the treatment, but about something else: not an answer to this ask
    assert not on_topic("aHSCT is not suitable for every person with MS.", ask)


def test_an_unplaced_asks_sentences_speak_of_its_own_words_not_the_treatment_named_after_it():
    from types import SimpleNamespace

    from assistant.flow.compose import on_aspect

    message = "I paid a deposit for cord cell drips in Panama. Is there a way to get my deposit back?"
    ask = read_asks(message)[-1]
    assert ask.aspect == "other" and "cord" in ask.query  # the query names the treatment
    ctx = SimpleNamespace(ask=ask, query=ask.query)
    assert not on_aspect("Umbilical cord cell products can carry tissue factor, which starts clotting.", ctx)
    assert on_aspect("A deposit paid to a clinic may not be refundable.", ctx)


# -- the person's context ---------------------------------------------------------------------
def test_a_quoted_edss_limit_is_not_the_persons_score():
    from assistant.flow.person import read_context

    assert read_context("If the maximum EDSS allowed is 6.0, is HSCT out for me with SPMS?").edss is None
    assert read_context("They said EDSS below 6 only. Mine is EDSS 6.5").edss == 6.5
    assert read_context("My EDSS is 4.5 and I'm 38").edss == 4.5


@pytest.mark.parametrize(
    ("message", "age"),
    [
        ("my sister (41, RRMS) has paid a deposit for cord cells", 41),
        ("hsct vs ocrevus which one better for me, 34 years, diagnosed 2021", 34),
        ("What is the death rate? And am I too old at 49?", 49),
        ("diagnosed 12 years ago, what now", None),
    ],
)
def test_age_in_the_ways_people_write_it(message, age):
    from assistant.flow.person import read_context

    assert read_context(message).age == age


def test_plans_that_are_not_a_treatment_are_not_a_booked_treatment():
    from assistant.flow.person import read_context

    assert read_context("How am I going to handle time away from my kids?").treatment is None
    booked = read_context("I'm going to have HSCT in Mexico in May, what should I pack?").treatment
    assert booked and "HSCT" in booked


def test_nhs_means_the_person_is_in_the_uk_and_im_progressive_is_a_type():
    from assistant.flow.person import read_context

    assert read_context("where do i even start if i want hsct on the nhs").country == "UK"
    assert read_context("I'm not eligible because I'm progressive, right?").ms_type == "progressive"


def test_two_vague_asks_about_one_statement_are_one_ask():
    asks = read_asks(
        "My neuro told me that with my disability now the chemo would likely give me little back. "
        "Is that true, and should I still do it?"
    )
    assert len(asks) == 1
    assert "chemo" in asks[0].query and asks[0].aspect == "decision"


def test_the_transplant_named_by_its_steps_and_team():
    asks = read_asks("The haematology nurse said infections are a risk for me. Will it stop my MS for good?")
    assert asks[-1].treatment == "ahsct"


def test_a_treatment_named_only_as_not_used_is_not_the_topic():
    asks = read_asks(
        "I had cord cells and my own fat cells injected abroad. I was told they calm the immune "
        "attack without chemotherapy. Is there real data for that?"
    )
    assert asks[-1].treatment == "cord-cells"


def test_can_ms_be_treated_with_is_about_whether_it_works():
    assert read_asks("Can MS be treated with a stem cell transplant?")[0].aspect == "effectiveness"


def test_now_or_wait_is_a_decision():
    assert (
        read_asks("My MS is very active. Is it better to make hsct early, or to wait?")[-1].aspect
        == "decision"
    )


def test_any_use_for_me_asks_whether_it_works():
    asks = read_asks("PPMS, 49, no active lesions for years. Is HSCT any use for me?")
    assert asks[-1].aspect == "effectiveness"


def test_a_vague_ask_after_a_question_takes_that_question_as_its_topic():
    asks = read_asks("Can I still get into StarMS? When will it report?")
    assert len(asks) == 2
    assert "StarMS" in asks[1].query and asks[1].treatment == "ahsct"


@pytest.mark.parametrize(
    "message",
    [
        "Where is the StarMS trial running, can I still join?",
        "My cousin says it reversed her MS. Is that realistic, what would it cost?",
    ],
)
def test_a_second_ask_with_its_own_point_stays_its_own_ask(message):
    assert len(read_asks(message)) == 2


@pytest.mark.parametrize(
    "message",
    [
        "How much does it really help people like me?",
        "how much years it last the effect of hsct?",
        "After HSCT, how much of a problem are infections?",
    ],
)
def test_how_much_it_helps_or_lasts_is_not_a_cost_question(message):
    assert read_asks(message)[-1].aspect != "cost"


def test_how_much_it_costs_is_still_a_cost_question():
    assert read_asks("How much is HSCT in Mexico?")[0].aspect == "cost"


def test_drugs_named_for_comparison_do_not_replace_the_treatment_asked_about():
    asks = read_asks("I'm scared of the chemo. How risky is it compared with staying on my drugs?")
    assert asks[-1].treatment == "ahsct"


@pytest.mark.parametrize(
    "message",
    [
        "Two practical things: will my hair fall out, and how long off work?",
        "Honestly how risky is it for me, and how much does it help people like me?",
    ],
)
def test_a_lead_in_before_the_first_question_does_not_join_two_asks(message):
    assert len(read_asks(message)) == 2


def test_a_pointing_ask_made_of_field_words_is_about_the_statement_before_it():
    message = (
        "My sister had HSCT in 2023. Now her platelets are low and the doctors mention ITP. "
        "Is that a known effect of HSCT, and can it happen years later?"
    )
    [ask] = read_asks(message)  # both parts ask about the low platelets
    assert ask.aspect == "risks" and "platelets" in ask.query


def test_years_with_ms_read_from_non_native_wordings():
    from assistant.flow.person import THIS_YEAR, read_context

    assert (
        read_context("I write for my brother, he have MS since 2012.").years_since_diagnosis
        == THIS_YEAR - 2012
    )
    assert read_context("hello, i have ms since 12 years").years_since_diagnosis == 12


def test_and_before_a_new_question_asks_again_even_on_the_same_topic():
    asks = read_asks("How long does recovery take, and when could I realistically go back to work?")
    assert [a.aspect for a in asks] == ["recovery", "recovery"]
    assert asks[1].text.startswith("when could I")
    # no "and": one ask put two ways in one sentence
    assert len(read_asks("how would I pay for HSCT, is any of it funded?")) == 1


def test_asking_leave_to_ask_is_not_an_ask():
    asks = read_asks("Hello, can I ask you something? My son is 20. Is HSCT something for him?")
    assert [a.text for a in asks] == ["Is HSCT something for him?"]
    asks = read_asks("Can I ask a question - if I had shingles last year, does that matter for HSCT?")
    assert len(asks) == 1 and asks[0].text.lower().startswith("if i had shingles")
    assert read_asks("Can I ask my neurologist for HSCT?")[0].text == "Can I ask my neurologist for HSCT?"


def test_a_when_clause_before_a_statement_is_no_ask_but_a_question_without_its_mark_is():
    asks = read_asks(
        "When I asked about problems after we come home, they said to write on WhatsApp. Is that normal?"
    )
    assert [a.text for a in asks] == ["Is that normal?"]
    assert len(read_asks("when i can go back to work. how much it cost?")) == 2


def test_this_as_the_subject_reads_the_offer_before_it_without_its_price():
    message = (
        "My mum has SPMS. A clinic has offered her three infusions of mesenchymal stem cells for "
        "25,000 dollars. Would this actually stop her decline? And is 25k a normal price for this?"
    )
    first, price = read_asks(message)
    assert first.aspect == "effectiveness" and first.treatment == "msc"
    assert first.query.startswith("A clinic has offered her three infusions") and "25,000" not in first.query
    assert price.aspect == "cost"
    # a determiner is no pointer: "that gap" names its own thing
    assert read_asks("My last Ocrevus was in August. Is that gap long enough?")[0].query.startswith(
        "Is that gap"
    )
    # an ask about the price keeps it
    assert "$54,500" in read_asks("They quoted $54,500 for HSCT in Mexico. Is that normal?")[0].query


def test_which_one_points_at_the_things_listed_before():
    asks = read_asks(
        "One centre uses BEAM, another cyclophosphamide with ATG. "
        "Which one is stronger and which one is safer?"
    )
    assert [a.aspect for a in asks] == ["comparison", "risks"]
    assert all("BEAM" in a.query and a.treatment == "ahsct" for a in asks)


def test_a_few_words_checking_the_last_ask_are_part_of_it():
    asks = read_asks("please explain simple what is HSCT, my english is not so good. they take my blood?")
    assert len(asks) == 1 and asks[0].text.endswith("good, they take my blood?")
    assert [a.aspect for a in read_asks("Is HSCT safe? Costs?")] == ["risks", "cost"]  # a new kind of ask


def test_paying_to_store_cord_blood_is_a_choice_not_a_price_question():
    assert (
        read_asks("Should she pay to bank her grandson's cord blood in case he gets MS?")[0].aspect
        == "decision"
    )
    assert read_asks("How much would I pay for HSCT in Mexico?")[0].aspect == "cost"


def test_a_last_question_that_opens_with_and_asks_even_without_its_mark():
    asks = read_asks(
        "is HSCT better than ocrevus? and realistically how long would i be off work after it, I'm a nurse"
    )
    assert len(asks) == 2 and asks[1].aspect == "recovery" and "HSCT" in asks[1].query
    asks = read_asks("Is this normal? And when am I supposed to redo my vaccines, nobody told me anything")
    assert len(asks) == 2 and "vaccines" in asks[1].text
    assert len(read_asks("will i lose my hair with hsct? and how many weeks am i in hospital for")) == 2
    # a statement whose subject was dropped stays a statement after "and"
    assert [a.text for a in read_asks("I had HSCT in 2022. And had a relapse since. What now?")] == [
        "What now?"
    ]


def test_it_in_a_later_ask_is_read_as_the_trial_or_treatment_the_question_before_named():
    starms = read_asks("Can I still get into StarMS? When will it report?")
    assert [a.query for a in starms] == ["Can I still get into StarMS?", "When will StarMS report?"]
    assert starms[1].own == "When will StarMS report?"  # what its sentences must speak of
    mist = read_asks("What did the MIST trial find? Did anyone die in it?")
    assert mist[1].query == "Did anyone die in the MIST trial?"
    cells = read_asks("I read about mesenchymal stem cells. Do they work? Are they safe?")
    assert cells[1].query == "Are the mesenchymal stem cells safe?"  # through the first ask's reading
    # an ask that names its own treatment keeps its words ("it" is the virus, not HSCT), and
    # reads the question before it in the same sentence
    ebv = read_asks("Is it true Epstein-Barr virus causes MS, and does HSCT get rid of it?")
    assert ebv[1].query.endswith("does HSCT get rid of it?") and "Epstein-Barr" in ebv[1].query


def test_a_heading_before_the_question_and_the_conversations_treatment():
    asks = read_asks("Thanks. Two practical things: will my hair fall out, and how long off work?")
    assert [a.text for a in asks] == ["will my hair fall out", "how long off work?"]
    assert read_asks("Subject: my daughter. She is 30.")[0].text.startswith("Subject:")  # no question
    # a message that names no treatment takes the one the conversation was about
    earlier = "How well does aHSCT work in relapsing MS?"
    assert [a.treatment for a in read_asks("Will my hair fall out?", earlier)] == ["ahsct"]
    assert "aHSCT" in read_asks("Will my hair fall out?", earlier)[0].query
    # its own treatment wins
    assert read_asks("And are MSC drips safe?", earlier)[0].treatment == "msc"


def test_a_follow_ups_carried_topic_does_not_stop_a_vague_ask_reading_the_statement_before_it():
    asks = read_asks("I'm 47 and my EDSS is 5. Does that rule me out? (about HSCT for MS in the UK)")
    assert len(asks) == 1
    assert "47" in asks[0].query and "HSCT" in asks[0].query and asks[0].aspect == "eligibility"


def test_a_vague_ask_reads_the_statement_that_names_something_or_its_own_kind():
    message = (
        "I had aHSCT a year ago. For three days my left hand has been numb, like my old relapses. "
        "I'm gutted. Does this mean it failed?"
    )
    assert "numb" in read_asks(message)[0].query  # not "I'm gutted."
    message = (
        "The clinic quoted $48,000 for HSCT. We must give our answer by the end of the month. "
        "Is that price normal?"
    )
    assert "$48,000" in read_asks(message)[0].query  # the statement with the price


def test_forum_shorthand_is_written_out_for_matching_and_word_order_of_learners_is_read():
    ask = read_asks("what do I ask my neuro about hsct, dx'd 2019")[0]
    assert "neurologist" in ask.query and "diagnosed" in ask.query
    assert ask.text.startswith("what do I ask my neuro")  # the lead shows the words as written
    assert "neurology" in read_asks("Is a neurology referral needed for HSCT?")[0].query  # whole words only
    assert read_asks("Who is HSCT actually meant for?")[0].aspect == "eligibility"
    assert read_asks("I live in Cairo. Where I can do hsct near to me?")[0].aspect == "access"


def test_a_second_it_in_the_same_sentence_is_the_first_asks_subject_not_the_story_before():
    message = (
        "I'm 38, RRMS for 5 years, stopped Tysabri because of JCV and relapsed on Ocrevus. "
        "Honestly how risky is HSCT compared with staying on drugs, and how much does it help people like me?"
    )
    second = read_asks(message)[1]
    assert "JCV" not in second.query and "HSCT" in second.query


def test_a_vague_ask_without_a_pointer_still_reads_the_statement_before_its_sentence():
    message = (
        "Chemo is approved for MS in some countries but not here. "
        "Why isn't HSCT approved, and what are my options?"
    )
    assert read_asks(message)[1].query.startswith("Chemo is approved for MS in some countries")


def test_is_it_real_asks_for_evidence_and_make_her_better_for_effect_not_the_price_in_the_story():
    message = (
        "my mum saw videos of people walking again after stem cells and wants to sell the car to pay. "
        "is it real??"
    )
    assert read_asks(message)[0].aspect == "evidence"
    assert read_asks("will it make her better?")[0].aspect == "effectiveness"


def test_a_what_clause_opening_a_statement_is_no_ask():
    message = "What worries me most is what the clinic told her. Is it true cord cells can't be rejected?"
    assert [a.text for a in read_asks(message)] == ["Is it true cord cells can't be rejected?"]
    assert len(read_asks("What matters most when choosing an HSCT centre?")) == 1


def test_a_question_after_its_condition_asks_even_without_its_mark():
    message = "she wants to go to the clinic. and if she goes will she be ok, can people die from it. thanks"
    asks = read_asks(message)
    assert len(asks) == 1 and asks[0].aspect == "risks"
    # a condition followed by a statement is no ask
    assert not any("fine" in a.text for a in read_asks("If I had HSCT, I am fine now. Is HSCT safe?"))


def test_a_choice_asks_composed_sentences_speak_of_its_own_words():
    from types import SimpleNamespace

    from assistant.flow.compose import on_aspect

    ask = read_asks("I am 27 with very active MS. Is it better to do HSCT early, or to wait?")[-1]
    assert ask.aspect == "decision"
    ctx = SimpleNamespace(ask=ask, query=ask.query)
    assert not on_aspect("The magazine article warns people who travel to Mexico for HSCT.", ctx)
    assert on_aspect("Results are best when aHSCT is given early, before disability builds up.", ctx)


@pytest.mark.parametrize(
    "message",
    [
        "My neighbour showed me an advert for cell shots in a clinic in Peru. Is it bogus or the real thing?",
        "A lady in my MS group went to a clinic in Mexico last year. Is that a scam?",
    ],
)
def test_asking_whether_it_is_a_scam_reads_the_offer_before_it(message):
    # "bogus", "scam", "the real thing" judge something; they name nothing: the ask is about the
    # clinic of the sentence before, and asks for the evidence behind it
    (ask,) = read_asks(message)
    assert "clinic" in ask.query and ask.query != ask.text
    assert ask.aspect == "evidence" and ask.treatment == "clinics"


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        (
            "I'm 31, RRMS, third drug failed. Who wouldn't want a shot at stopping this? "
            "Honestly what else am I supposed to do? Is a transplant too risky for me?",
            ["Is a transplant too risky for me?"],
        ),
        ("What have I got to lose? What does HSCT cost in Mexico?", ["What does HSCT cost in Mexico?"]),
        ("Why me?? Can stem cells fix my balance?", ["Can stem cells fix my balance?"]),
    ],
)
def test_rhetorical_questions_are_the_writers_feeling_not_asks(message, asked):
    assert [a.text for a in read_asks(message)] == asked


def test_a_real_question_about_other_options_is_still_an_ask():
    assert len(read_asks("My neurologist says I have run out of drugs. What else can I try?")) == 1


def test_asking_whether_something_treats_multiple_sclerosis_asks_about_its_effect():
    (ask,) = read_asks("Could fat-derived stem cells treat multiple sclerosis in my sister?")
    assert ask.aspect == "effectiveness"


def test_a_short_contracted_ask_reads_the_regimens_the_statement_before_it_named():
    """ "What's the difference?" names nothing ("what's" is not a topic word), and "one of them"
    points at the things listed before; the chemotherapy regimens name the transplant."""
    message = (
        "One hospital does the transplant with BEAM and ATG, the other with cyclophosphamide. "
        "What's the difference, and is one of them riskier?"
    )
    asks = read_asks(message)
    assert asks and all(a.treatment == "ahsct" for a in asks)
    assert all("cyclophosphamide" in a.query for a in asks)
    assert "risks" in [a.aspect for a in asks]


def test_beam_as_an_ordinary_word_names_no_treatment():
    (ask,) = read_asks("My physio wants me to walk along a balance beam. Is that safe with MS?")
    assert ask.treatment != "ahsct"


def test_stopping_a_drug_because_a_clinic_says_so_is_a_choice_about_the_transplant():
    """Seen in use: the ask read as a clinic claim about the drug, matched nothing, and the
    composer answered with a sentence on stopping smoking."""
    message = (
        "A centre in Mexico has accepted my husband for HSCT in spring. They say he must come off "
        "Kesimpta straight away. Should he stop the Kesimpta now like they say?"
    )
    ask = read_asks(message)[-1]
    assert ask.aspect == "decision"
    assert ask.treatment == "ahsct"


def test_stopping_a_drug_with_no_other_treatment_named_stays_a_drug_question():
    (ask,) = read_asks("Should I stop Tecfidera because of the flushing?")
    assert ask.treatment == "dmt"


def test_a_numbered_list_of_questions_is_matched_without_its_numbers():
    message = (
        "My partner is booked for HSCT abroad. 1) Should she stop her Ocrevus now like the clinic "
        "says? 2) Is that price of $50,000 normal?"
    )
    asks = read_asks(message)
    assert [a.text[:2] for a in asks] == ["1)", "2)"]  # the headings keep what was written
    assert not any(a.query.lstrip("( ").startswith(("1)", "2)")) for a in asks)
    assert "1)" not in asks[0].query and "2)" not in asks[1].query


def test_a_short_ask_with_it_as_subject_takes_its_topic_from_the_statement_before():
    """Seen in a cold case: "It come back after?" (hair, after chemotherapy) read as MS coming
    back and got the answer on relapses after the transplant."""
    message = "My aunt has HSCT next month. The doctor said her hair will fall out. It come back after?"
    (ask,) = read_asks(message)
    assert "hair" in ask.query
    assert ask.aspect == "recovery"


def test_an_ask_that_names_no_topic_takes_the_statement_before():
    message = (
        "We are planning HSCT. My worry is the infections our toddler brings home from nursery. "
        "How careful will I need to be and for how long?"
    )
    (ask,) = read_asks(message)
    assert "infections" in ask.query
    assert not any("infections" in a.query for a in read_asks("How long is recovery after HSCT?"))


def test_a_question_opening_with_and_is_another_ask_even_of_the_same_kind():
    message = "Is HSCT free on the NHS or do I pay for it? And if I went private how much would it be?"
    assert len(read_asks(message)) == 2


def test_which_is_better_compares_what_the_statement_before_named():
    message = (
        "Her neurologist wants her on Ocrevus but she keeps reading about HSCT. Which is better for "
        "someone like her?"
    )
    (ask,) = read_asks(message)
    assert ask.aspect == "comparison"
    assert "Ocrevus" in ask.query


def test_what_about_a_follow_up_asks_the_previous_question_of_another_case():
    from assistant.flow.condense import condense_rule

    first = "What is the success rate of HSCT for relapsing MS?"
    follow = "ok and what about my dad, he has had PPMS for 12 years"
    (ask,) = read_asks(condense_rule(follow, [[first, "…"]]), first)
    assert ask.aspect == "effectiveness"
    assert "results" in ask.query
    # a follow-up that names what it wants keeps it
    (ask,) = read_asks(condense_rule("what about the risks for him?", [[first, "…"]]), first)
    assert ask.aspect == "risks"


def test_they_doing_what_staff_do_is_not_the_treatment():
    from assistant.flow.condense import put_in

    assert put_in("is the injection they give before it safe?", "HSCT").count("they give") == 1
    assert put_in("do they work for MS?", "the MSCs") == "do the MSCs work for MS?"
    # the transplant centre accepts people, not the drug named before
    assert "Kesimpta accept" not in put_in("what tests do they do before they accept you?", "Kesimpta")


def test_and_in_another_place_asks_the_previous_question_of_that_place():
    """Seen in a cold case: "and in america?" after a question on approval in Europe was read
    with Europe carried over and answered with the European rules again."""
    from assistant.flow.condense import condense_rule

    first = "Is mesenchymal stem cell therapy approved for MS in Europe?"
    (ask,) = read_asks(condense_rule("and in america?", [[first, "…"]]), first)
    assert ask.aspect == "regulation"
    assert "Europe" not in ask.query


def test_a_question_on_what_follows_from_the_one_before_is_another_ask():
    message = "Will HSCT stop my MS in its tracks? If it does, will that be permanent?"
    asks = read_asks(message)
    assert [a.text for a in asks] == [
        "Will HSCT stop my MS in its tracks?",
        "If it does, will that be permanent?",
    ]
    assert "HSCT" in asks[1].query


def test_a_reported_question_is_an_ask_and_the_reply_frame_is_not():
    # how staff write: the member's questions are reported, then "what can I say to her?"
    asks = read_asks(
        "A member rang asking whether a clinic in Kyiv selling stem cell injections is legitimate. "
        "She also wants to know why prices for HSCT abroad vary so much. What can I say to her?"
    )
    assert len(asks) == 2
    assert "legitimate" in asks[0].text
    assert asks[1].aspect == "cost"
    # alone, the frame is the ask and reads the statement before it
    (alone,) = read_asks("A caller wants to know if HSCT is on the NHS. What should we tell her?")
    assert alone.aspect == "access"


def test_what_someone_asked_in_the_past_is_a_story_not_an_ask():
    asks = read_asks("I asked my neuro if I qualify and he said no. Why would that be?")
    assert [a.text for a in asks] == ["Why would that be?"]


def test_a_number_like_that_reads_the_figure_before_it():
    message = "A leaflet says 90% of patients stop progressing. Can I trust a number like that?"
    (ask,) = read_asks(message)
    assert "90%" in ask.query


def test_being_bald_is_about_hair_loss_and_they_who_cope_are_people():
    from assistant.flow.condense import put_in

    (ask,) = read_asks("I'm booked for HSCT. How will my kids cope seeing me bald?")
    assert ask.aspect == "recovery"
    assert put_in("how will they cope seeing me bald?", "aHSCT") == ""


def test_asking_for_help_with_the_reply_is_no_ask_of_its_own():
    asks = read_asks(
        "A member, 24, wants to know if she can have HSCT before any drug. Could you help me write back?"
    )
    assert len(asks) == 1
    (ask,) = read_asks(
        "Can you help me draft a reply? A caller says a spa told her exosomes are approved. Is it true?"
    )
    assert "draft" not in ask.text


def test_a_question_opening_with_and_asks_again():
    # the split that finds the ask takes its "And" off; it still marks a new question
    recovery, hair = read_asks("How long does recovery take after HSCT? And will I lose my hair?")
    assert "hair" not in recovery.query and "hair" in hair.query
    # a short check of what was understood stays with the ask before
    assert len(read_asks("What is HSCT? They take my blood? And then chemo?")) == 2


def test_what_a_clinic_says_is_not_what_is_this_normal_is_about():
    message = (
        "My legs have got weaker and I tripped twice this week. The clinic says it's a detox reaction. "
        "My neurologist doesn't know yet. Is this normal?"
    )
    assert "legs" in read_asks(message)[0].query


def test_those_after_a_list_of_symptoms_reads_the_list():
    (first, _) = read_asks(
        "My worst symptoms are fatigue and brain fog. Does HSCT help with those? Or does it stop relapses?"
    )
    assert "fatigue" in first.query


def test_two_reported_questions_are_two_asks():
    asks = read_asks(
        "A member wants to know if she can have HSCT before trying any drug, and whether it is on the NHS."
    )
    assert len(asks) == 2
    assert asks[1].aspect == "access"


def test_they_in_the_second_half_of_a_question_is_the_first_halfs_subject():
    message = "I'm 46 with RRMS on Gilenya. Do MSCs work for MS, and are they safe?"
    asks = read_asks(message)
    assert [a.treatment for a in asks] == ["msc", "msc"]
    assert "Gilenya" not in asks[1].query


def test_a_choice_between_two_things_to_do_is_a_decision_whatever_its_words():
    (ask,) = read_asks("My neuro wants me to wait for a trial. Should I wait or just pay and go private?")
    assert ask.aspect == "decision"
    (cost,) = read_asks("How much would I pay to go private?")
    assert cost.aspect == "cost"


def test_what_it_would_do_for_someone_asks_what_it_achieves_not_what_they_would_do():
    from assistant.flow.asks import aspect_of

    assert aspect_of("What would it even do for him at this stage?") == "effectiveness"
    assert aspect_of("What would you do in my place?") == "decision"


def test_a_price_in_any_currency_is_left_out_of_a_risks_ask():
    asks = read_asks("A hospital in Turkey offers hsct for 35000 dollar. is the price normal and is it safe?")
    assert [a.aspect for a in asks] == ["cost", "risks"]
    assert "35000" not in asks[1].query


def test_them_after_a_comparison_is_another_ask_not_the_same_one():
    # "them" is the two regimens compared: how to choose between them is a second ask
    asks = read_asks("Is non-myeloablative as effective as myeloablative, and how do I choose between them?")
    assert len(asks) == 2


def test_tiredness_after_the_transplant_asks_about_recovery():
    from assistant.flow.asks import aspect_of

    (ask,) = read_asks("my dad had hsct 2 weeks ago and hes exhausted all day. is that normal?")
    assert ask.aspect == "recovery"
    assert aspect_of("how long does the fatigue last after hsct") == "recovery"
    # whether a treatment helps MS fatigue is still about its effect
    assert aspect_of("Does HSCT help with MS fatigue?") == "effectiveness"


def test_possible_for_a_young_person_asks_who_qualifies():
    from assistant.flow.asks import aspect_of

    assert aspect_of("Transplant is possible for young person?") == "eligibility"
    assert aspect_of("is it possible for me at 52") == "eligibility"
    assert aspect_of("Is it possible to pay in two parts?") != "eligibility"


def test_her_type_is_the_type_of_ms_the_message_names():
    message = "My brother has SPMS since 2015. Are there any trials for his type?"
    (ask,) = read_asks(message)
    assert "his type (secondary progressive MS)" in ask.query
    # no type named: the words stay
    (plain,) = read_asks("Are there any trials for my type?")
    assert "my type" in plain.query


def test_both_is_the_other_disease_and_ms():
    (ask,) = read_asks("I have psoriasis and MS. Would a transplant fix both?")
    assert "psoriasis and MS" in ask.query
    (us,) = read_asks("My wife and I both read about HSCT for MS. Is it safe?")
    assert "and MS" not in us.query.replace("HSCT for MS", "")


def test_them_that_no_treatment_stands_for_is_the_earlier_asks_thing():
    # "them" are the jabs of the ask before, not HSCT: the second ask is read with the first
    message = "Does HSCT wipe out my childhood jabs like measles? Will I need to get them all again?"
    first, second = read_asks(message)
    assert "HSCT all again" not in second.query
    assert "jabs" in second.query
    # a plural treatment still stands in for "them"
    _, where = read_asks("What are MSCs? can I get them in the UK?")
    assert where.query == "can I get MSCs in the UK?"


def test_which_one_after_a_comparison_carries_the_things_compared():
    asks = read_asks("What does myeloablative vs non-myeloablative mean and which one is used for MS?")
    assert len(asks) == 2
    assert "myeloablative" in asks[1].query


def test_walking_better_is_a_question_about_results_asked_apart_from_the_price():
    message = (
        "my husband have secondary progresive MS, he use cane. clinic offer him mesenchimal cells "
        "for 15000 dollar. is good price? he will walk better after?"
    )
    price, walk = read_asks(message)
    assert (price.aspect, walk.aspect) == ("cost", "effectiveness")
    # the misspelt cells are MSCs, and the type of MS the message names goes with the results ask
    assert walk.treatment == "msc"
    assert "(secondary progressive MS)" in walk.query
    assert "progressive" not in price.query


def test_how_much_time_asks_for_a_time_not_a_price():
    from assistant.flow.asks import aspect_of

    assert aspect_of("how much time?") != "cost"
    assert aspect_of("how much longer will I be tired?") != "cost"
    assert aspect_of("how much is it in Mexico?") == "cost"


def test_the_drug_taken_now_is_the_one_the_decision_is_weighed_against():
    from assistant.flow.person import read_context

    # named last, or named as the one taken now, it comes last
    assert read_context("Tecfidera didn't hold it, now on Ocrevus").drugs[-1] == "ocrelizumab"
    assert read_context("I'm on Ocrevus; before that Tecfidera and Tysabri").drugs[-1] == "ocrelizumab"


def test_what_to_arrange_is_not_a_choice_and_a_misspelt_msc_is_an_msc():
    from assistant.flow.asks import aspect_of, treatment_of

    assert aspect_of("what should she have in place before she flies?") != "decision"
    assert aspect_of("Should she stop Ocrevus before HSCT?") == "decision"
    assert treatment_of("I did stem cell (mesenkimal) 2 times in Istanbul") == "msc"


def test_a_lower_case_question_after_a_full_stop_is_its_own_ask():
    asks = texts("hello, i am from poland, my neurolog say maybe HSCT for me. how many days i stay there?")
    assert asks == ["how many days i stay there?"]


def test_a_relative_clause_after_a_drug_is_not_a_second_ask():
    assert texts("Am I allowed to go back on Tysabri, which I was on before?") == [
        "Am I allowed to go back on Tysabri, which I was on before?"
    ]
    assert len(texts("wat is risk of dieing from hsct, an is it more then lemtrada")) == 2


def test_which_one_reads_the_choice_the_message_offered():
    message = (
        "My husband is 38, RRMS, EDSS 2, and he still had two relapses on Ocrevus. "
        "His neurologist is offering Lemtrada or HSCT. Which one works better?"
    )
    (ask,) = read_asks(message)
    assert "Lemtrada" in ask.query


def test_ages_of_family_members_and_teenagers_are_read():
    assert read_context("My son is 16 and was just diagnosed").age == 16
    assert read_context("my mum is 60 and has SPMS").age == 60
    assert read_context("Im 13, i have ms").age == 13
    assert read_context("I am 12 weeks post HSCT").age is None
    assert read_context("my husband is 12 weeks post HSCT").age is None


def test_a_drug_offered_or_compared_is_not_the_drug_taken():
    message = "He still had two relapses on Ocrevus. His neurologist is offering Lemtrada or HSCT."
    assert read_context(message).drugs == ["ocrelizumab"]
    assert read_context("is it more then lemtrada").drugs == []
    assert read_context("is hsct better than Ocrevus? I am on Tysabri").drugs == ["natalizumab"]
    assert read_context("My neurologist gave me two options: Lemtrada or HSCT.").drugs == []


def test_a_staff_request_for_a_reply_and_an_if_so_are_not_asks_of_their_own():
    asks = read_asks(
        "Could you help me answer a member? She is on Tecfidera and flies to Moscow for HSCT in March. "
        "She wants to know whether she should stop the Tecfidera beforehand and if so how long before."
    )
    assert len(asks) == 1
    assert "if so how long before" in asks[0].text
    assert asks[0].aspect != "recovery"  # "how long before" here means beforehand


def test_them_in_the_same_sentence_is_what_its_first_part_named():
    asks = read_asks(
        "I'm a hospital pharmacist. Which conditioning regimens do transplant centres use, BEAM-ATG or "
        "cyclophosphamide-ATG, and is one of them safer?"
    )
    assert len(asks) == 2
    assert "BEAM-ATG" in asks[1].query and "pharmacist" not in asks[1].query


def test_a_refused_transplant_stays_the_topic_of_the_message():
    asks = read_asks(
        "In Germany the doctors say no HSCT for him. We think about a clinic in Moscow, they accept "
        "him. What is the chance it helps him?"
    )
    assert asks[0].treatment == "ahsct"


def test_an_ask_after_a_statement_carries_it_for_matching():
    asks = read_asks(
        "My neurologist says my latest MRI shows brain atrophy. Could HSCT slow the shrinking down? "
        "And at 47, is it too late for me anyway?"
    )
    assert asks[0].in_context.startswith("My neurologist says my latest MRI shows brain atrophy.")
    assert read_context("And at 47 with 12 years of MS, is it too late?").to_dict() == {
        "age": 47.0,
        "years_since_diagnosis": 12.0,
    }


def test_blood_tests_after_a_transplant_are_aftercare():
    assert (
        read_asks("How often will I need blood tests in the first year after HSCT?")[0].aspect == "recovery"
    )


def test_an_it_after_a_question_about_the_transplant_is_the_transplant():
    asks = read_asks(
        "she keeps seeing tiktoks about hsct. does she even need it if ocrevus is working?? also does it hurt"
    )
    assert [a.treatment for a in asks] == ["ahsct", "ahsct"]
    assert "ocrevus hurt" not in asks[1].query.lower()


def test_phone_shorthand_is_spelled_out_but_a_capital_u_is_a_letter():
    from assistant.flow.asks import spelled_out

    assert spelled_out("cn u get hsct twice") == "can you get hsct twice"
    assert (
        spelled_out("Is it approved in the U.S.? Is vitamin U real?")
        == "Is it approved in the U.S.? Is vitamin U real?"
    )


def test_is_good_idea_reads_the_offer_before_it():
    asks = read_asks(
        "The hospital in Milano propose him HSCT. Is good idea? How long he stay in the hospital?"
    )
    assert asks[0].aspect == "decision" and "Milano propose him HSCT" in asks[0].query


def test_make_that_better_reads_the_symptom_before_it():
    ask = read_asks("my worst symptom is fatigue. would hsct make that better?")[0]
    assert "fatigue" in ask.query


def test_they_that_cannot_be_one_treatment_is_left_as_it_is():
    # "they" are the mother and son, not HSCT; a trial's "they" are the people who ran it
    message = "Her son had HSCT and now has shingles. She asks if that is common and what they should do."
    assert "HSCT should do" not in read_asks(message)[-1].query
    assert (
        read_asks("What was the MIST trial? What did they find?")[-1].query == "What did the MIST trial find?"
    )
    assert read_asks("Do MSCs work for MS, and are they safe?")[-1].query == "are MSCs safe?"


def test_joining_after_a_question_on_a_trial_is_about_joining_that_trial():
    first, second = read_asks(
        "Is the BEAT-MS trial still taking people, and could someone from Canada sign up?"
    )
    assert "BEAT-MS" in second.query and second.text == "could someone from Canada sign up?"


def test_cells_that_travel_to_the_damage_are_no_travel_abroad():
    from assistant.flow.asks import aspect_of

    assert aspect_of("Our stem cells travel straight to the damaged nerves and rebuild myelin.") != "access"
    assert aspect_of("We will travel to the clinic in Panama for it.") == "access"


def test_text_pasted_after_a_colon_from_a_brochure_is_a_claim_to_check():
    (ask,) = read_asks('From a leaflet my dad got: "Our cells rebuild your myelin." Is any of that real?')
    assert ask.aspect == "claim"


def test_an_ask_naming_its_own_aspect_does_not_borrow_the_ask_before():
    message = (
        "A clinic in Cyprus says their mesenchymal cells suit people like my husband. "
        "Is there any proof MSCs help progressive MS? And what would the risks be for him?"
    )
    proof, risks = read_asks(message)
    # "him" is the husband, not the ask before; the treatment is the one that ask named
    assert "proof" not in risks.query and risks.aspect == "risks" and risks.treatment == "msc"


def test_why_not_everyone_asks_who_it_is_for():
    (ask,) = read_asks("If HSCT works so well, why doesn't every person with MS get it?")
    assert ask.aspect == "eligibility"


def test_words_left_out_of_a_quoted_message_end_the_sentence_before():
    asks = read_asks(
        "My brother's doctor wants him to stay on his drug until trials report [...] "
        "What is your opinion of stem cell treatment for MS?"
    )
    assert asks[-1].text == "What is your opinion of stem cell treatment for MS?"


def test_an_ask_that_leans_on_the_ask_before_keeps_its_own_words_for_matching():
    asks = read_asks(
        "I had my stem cells collected last week for the transplant. Will it stop my MS? "
        "If it does, will the effect be permanent?"
    )
    assert "Will it stop my MS?" in asks[1].query  # what "it does" means
    assert asks[1].alone == "If it does, will the effect be permanent? (aHSCT for MS)"
    assert asks[1].alone_wins  # its own words say what it asks, "it does" only what "it" is
    # an ask that read the statement before it keeps the statement unless that reading matches
    # nothing; one that picks from what the statement named has no reading without it
    assert asks[0].alone == "Will it stop my MS? (aHSCT for MS)" and not asks[0].alone_wins
    (pick,) = read_asks("The centre offers BEAM or cyclophosphamide. Which one is safer?")
    assert pick.alone == ""


def test_a_request_for_a_reply_to_someone_somewhere_asks_nothing_itself():
    asks = read_asks(
        "Can you help me write back to a member in Leeds? Her neurologist suggested HSCT. She asks "
        "whether her health insurance would pay and roughly how long she would need off work."
    )
    assert [a.aspect for a in asks] == ["cost", "recovery"]
    assert asks[1].text.startswith("how long she would need off work")


def test_an_ask_for_someone_like_him_is_read_with_his_type_of_ms():
    (ask,) = read_asks(
        "My uncle is 60, he has primary progressive MS and cannot walk far. "
        "What do the studies say about stem cells for someone like him?"
    )
    assert "primary progressive MS" in ask.query
    (plain,) = read_asks("My uncle is 60. What do the studies say about stem cells for someone like him?")
    assert "progressive" not in plain.query  # no type named, none added


def test_an_ask_after_one_that_named_a_place_keeps_the_place():
    clinics, allowed = read_asks("Which clinics in India offer it, and is it allowed?")
    assert "India" in allowed.query and allowed.alone == ""


def test_an_opening_of_age_sex_and_country_is_the_persons_context():
    ctx = read_context("31F, Canada. RRMS for four years, on Kesimpta.")
    assert (ctx.age, ctx.country) == (31.0, "Canada")
    assert read_context("45, UK, SPMS").country == "UK"
    # a date is not an age
    assert read_context("12/03 was my last MRI and it showed two lesions").age is None


def test_a_drug_word_that_names_no_drug_does_not_outweigh_stem_cells():
    from assistant.flow.asks import treatment_of

    message = "No medicine works for her any more, so we read about stem cells."
    assert treatment_of(message) == "stem-cells-general"
    assert treatment_of("She is on Tysabri and asks about stem cells.") == "dmt"
    assert treatment_of("Which drugs slow progressive MS?") == "dmt"


def test_a_later_ask_about_results_does_not_carry_the_place_the_first_one_named():
    first, second = read_asks(
        "Could I get aHSCT in Sweden? For those it helps, how long does the effect last?"
    )
    assert "Sweden" in first.query
    assert "Sweden" not in second.query and "aHSCT" in second.query


def test_the_same_question_for_another_person_is_asked_of_them_in_its_own_kind():
    earlier = "What are the risks of HSCT for my son?"
    (ask,) = read_asks("and would that be the same for my dad?", earlier=earlier)
    assert ask.aspect == "risks"
    assert ask.query.startswith("the risks of it for my dad")
    assert ask.text.endswith("would that be the same for my dad?")  # the lead: their own words


def test_questions_put_without_a_question_mark_are_asks():
    (cost,) = read_asks("We only want a rough idea of what the flights and the stay would cost.")
    assert cost.aspect == "cost"
    assert len(read_asks("Kindly tell me if any scheme pays for it in Kenya.")) == 1
    # what the writer asked someone else is part of the story, not a question to us
    story = read_asks("I also asked if they had a licence. They sent a brochure. Is that enough?")
    assert [a.text for a in story] == ["Is that enough?"]
    nurse = read_asks(
        "My patient is 30, she is unsure whether the chemo will end her periods early, and she wants to "
        "know how long she must wait before trying for a baby."
    )
    assert len(nurse) == 2
    fish = read_asks("i take fish oil every day, could that get in the way of hsct.")
    assert len(fish) == 1 and "fish oil" in fish[0].text


def test_the_age_of_a_family_member_and_a_drug_only_talked_about():
    assert read_context("Our daughter is 16 and has relapsing MS.").age == 16.0
    assert read_context("She's 63, primary progressive for about 10 years.").age == 63.0
    ctx = read_context("My neurologist is talking about either Lemtrada or a transplant.")
    assert ctx.offered == ["alemtuzumab"] and not ctx.drugs


def test_a_follow_up_about_someone_described_asks_whether_it_is_for_them():
    earlier = "What happens during HSCT, step by step?"
    (ask,) = read_asks("What about my dad? He's 66 with PPMS and uses a wheelchair.", earlier=earlier)
    assert ask.aspect == "eligibility"
    # with nothing said about the person, the follow-up keeps the earlier kind of answer
    (plain,) = read_asks("what about my dad?", earlier=earlier)
    assert plain.aspect == "procedure"


def test_one_ask_put_two_ways_across_a_dash_keeps_the_second_way_to_match():
    (ask,) = read_asks("How long does HSCT keep MS away - is it a cure, or does it come back in some years?")
    assert ask.alone.startswith("is it a cure")


def test_a_better_than_ask_that_mentions_a_price_is_a_comparison():
    (ask,) = read_asks("Is HSCT better than staying on Tecfidera, which costs far less here?")
    assert ask.aspect == "comparison"


def test_shorthand_for_vitamin_d_is_spelled_out():
    from assistant.flow.asks import spelled_out

    assert spelled_out("high dose vit d and hsct") == "high dose vitamin D and hsct"


def test_frames_around_a_list_of_questions_are_not_asks():
    asks = read_asks(
        "Can someone help me make sense of this? Is the clinic's FDA registration an approval? "
        "And is fat-derived cell therapy risky?"
    )
    assert [a.aspect for a in asks] == ["regulation", "risks"]
    listed = read_asks("Can you help me with a few things: 1) Is HSCT safe? 2) What does it cost?")
    assert [a.aspect for a in listed] == ["risks", "cost"]


def test_drugs_in_general_do_not_take_the_ask_from_the_transplant():
    message = "I've read a lot about HSCT. Would I qualify, or do you have to fail more drugs first?"
    (ask,) = read_asks(message)
    assert ask.treatment == "ahsct"
    # a drug named by name still does
    (named,) = read_asks("I've read about HSCT. Is Tysabri safer?")
    assert named.treatment == "dmt"


def test_someone_in_my_situation_is_read_with_the_type_of_ms_named():
    message = "I have had secondary progressive MS for years. Is there evidence for someone in my situation?"
    (ask,) = read_asks(message)
    assert "secondary progressive" in ask.query.lower() or "progressive" in ask.query.lower()


def test_a_story_after_a_colon_is_not_read_as_one_pasted_claim():
    from assistant.guard_text import quoted_spans

    story = "Quick background: " + "I was diagnosed in 2015 and tried three drugs, none of which held. " * 8
    assert quoted_spans(story) == []
    assert quoted_spans("The flyer says: our cells rebuild nerves in weeks") == [
        "our cells rebuild nerves in weeks"
    ]


def test_a_span_after_a_colon_ends_before_the_askers_own_question():
    from assistant.guard_text import quoted_spans

    # the question is the asker's, not pasted (it was read as part of the paste and embedded twice)
    message = (
        "His MS got worse fast: two relapses in a year. He is on his third drug. "
        "Who decides if he can have HSCT?"
    )
    assert quoted_spans(message) == ["two relapses in a year. He is on his third drug."]
    assert quoted_spans("The advert said: stem cells cure MS. Is that true?") == ["stem cells cure MS."]


def test_my_main_question_is_whether_is_an_ask():
    asks = read_asks(
        "My main question is whether HSCT does anything once MS is progressive. Also, what does it cost?"
    )
    assert [a.aspect for a in asks][1:] == ["cost"] and len(asks) == 2


def test_kindly_clarify_what_is_an_ask():
    asks = read_asks("Kindly clarify what is the difference between these two treatments. Thank you sir.")
    assert len(asks) == 1 and asks[0].aspect == "comparison"


def test_wants_put_as_statements_are_asks():
    tired = read_asks(
        "I sleep all afternoon, so I'd also like to know whether that is normal and how long it goes on."
    )
    assert len(tired) == 2
    working = read_asks(
        "What I'm trying to work out is whether the risks are worth it next to another drug. "
        "I keep thinking about whether the chemo would take my eggs."
    )
    assert len(working) == 2 and "eggs" in working[1].text
    caller = read_asks(
        "He also asked me what the going rate is at his local hospital, and what dose of "
        "vitamin D he should take afterwards."
    )
    assert len(caller) == 2 and caller[0].aspect == "cost"
    listed = read_asks(
        "She wants to know if the approval thing is true, what the red flags are, "
        "and whether she gets her money back."
    )
    assert len(listed) == 3


def test_asking_how_to_word_the_reply_asks_nothing_itself():
    for frame in (
        "How do I answer him honestly without scaring him off?",
        "Could you help me draft a quick reply that covers all of that?",
        "I know we are not lawyers, but what's the best way to put this?",
        "What can we actually tell her?",
    ):
        asks = read_asks(f"A caller asked whether HSCT is on the NHS. {frame}")
        assert len(asks) == 1, frame


def test_a_question_word_after_a_preposition_starts_no_second_ask():
    (ask,) = read_asks("Judging by what my doctor says, could someone like me be considered for HSCT?")
    assert ask.text.startswith("Judging by what") and "considered" in ask.text


def test_phone_and_and_a_filler_like_split_the_asks():
    asks = read_asks("how does hsct go?? like do u lose ur hair n how long r u kept in hospital")
    assert len(asks) == 3


def test_time_off_vitamin_doses_and_being_allowed_to_drive_are_no_price_or_law():
    (off,) = read_asks("Is a month off work realistic after HSCT? I can't afford a long time off.")
    assert off.aspect != "cost"
    (dose,) = read_asks("After HSCT, how much vitamin D should I take each day?")
    assert dose.aspect != "cost"
    (drive,) = read_asks("After HSCT when am I allowed to drive again?")
    assert drive.aspect == "recovery"
    (insurer,) = read_asks("Does my insurer cover HSCT or is it all out of pocket?")
    assert insurer.aspect == "cost"


def test_a_drug_someone_is_on_is_their_story_not_the_asked_treatment():
    sister = read_asks(
        "and my sister? she is 30, on copaxone, one relapse this year. would she qualify",
        earlier="Does HSCT work in progressive MS?",
    )
    assert {a.treatment for a in sister} == {"ahsct"} and sister[-1].aspect == "eligibility"
    (activity,) = read_asks("I want HSCT. Does new activity on Kesimpta count as the breakthrough they want?")
    assert activity.treatment == "ahsct"
    (compare,) = read_asks("I want HSCT. Is Kesimpta safer?")
    assert compare.treatment == "dmt"


def test_what_someone_found_out_and_which_clauses_are_told_not_asked():
    asks = read_asks(
        "What I've read so far is that HSCT works best in young people. Which worries me because "
        "I am 50. Is it too late for me?"
    )
    assert len(asks) == 1 and asks[0].aspect == "eligibility"


def test_whether_an_unproven_product_is_worth_it_asks_what_it_does():
    (ask,) = read_asks("are exosome drips worth it?? a clinic near me sells them")
    assert ask.aspect == "effectiveness"


def test_a_city_with_its_country_or_us_state_gives_the_country():
    assert read_context("I live in Dayton, Ohio and have RRMS.").country == "US"
    assert read_context("Hello, I am from Recife, Brazil.").country == "Brazil"
    assert read_context("I live in Cairo.").country == "Cairo"


def test_the_chance_asked_about_next_is_the_one_just_asked():
    asks = read_asks(
        "Is early menopause a real risk with HSCT? Does the chance go up with age? How long is recovery?"
    )
    assert len(asks) == 3
    assert "menopause" in asks[1].query


def test_a_reported_question_is_matched_as_the_question_itself():
    asks = read_asks(
        "A caller rang. She's asking whether she'd qualify for HSCT at her age, and if not, "
        "whether the clinic is legit."
    )
    assert [a.query.split(" (")[0] for a in asks] == [
        "would she qualify for HSCT at her age?",
        "is the clinic legit?",
    ]
    assert asks[0].text.startswith("She's asking whether")  # the lead keeps her words


def test_an_if_clause_before_the_next_question_opens_it():
    asks = read_asks(
        "If he has HSCT, what is the chance his MS comes back, and if it did come back, "
        "what would happen then?"
    )
    assert asks[0].text == "If he has HSCT, what is the chance his MS comes back"
    assert read_asks("A caller asked me straight out whether it will work.")[0].text.startswith(
        "A caller asked"
    )


def test_each_item_of_a_numbered_list_is_its_own_ask():
    asks = read_asks(
        "Some questions: 1) what should I check about a clinic before I pay anything 2) will my work "
        "insurance cover some of it 3) is 47 too old or is that just my country being stingy"
    )
    assert [a.aspect for a in asks] == ["decision", "cost", "eligibility"]
    assert [a.text[:2] for a in asks] == ["1)", "2)", "3)"]  # the headings keep what was written


def test_choices_after_a_question_spell_it_out_and_ask_nothing_new():
    asks = read_asks("how dangerous is it really, is it like one in fifty or much less?")
    assert len(asks) == 1 and asks[0].aspect == "risks"
    assert texts("What decides whether I'm accepted, is it the scans or my age or the relapses?") == [
        "What decides whether I'm accepted, is it the scans or my age or the relapses?"
    ]


def test_a_question_after_a_story_clause_is_read_without_its_mark():
    asks = read_asks(
        "I run a small shop so months away is hard, "
        "how much risk am I really taking on compared with my infusions."
    )
    assert len(asks) == 1 and asks[0].aspect == "risks"


def test_calls_to_other_readers_and_requests_for_the_draft_ask_nothing():
    assert texts("Will I lose my hair? Has anybody been through this with a teenager?") == [
        "Will I lose my hair?"
    ]
    assert texts(
        "She wants to know if it works. "
        "Could you help me write a warm but clear reply I can send her tonight?"
    ) == ["She wants to know if it works?"]


def test_a_bare_truth_check_after_a_pasted_advert_is_a_claim_check_not_a_price_ask():
    asks = read_asks(
        'Their page says: "Our cells rebuild myelin and end relapses for good. Only $15,000 per course." '
        "Is any of this true??"
    )
    assert asks[-1].aspect == "claim"


def test_the_cells_named_first_are_what_the_message_asks_about():
    asks = read_asks(
        "A clinic in Cancun sells cord blood cell drips. Do they help in primary progressive MS? "
        "Or is the normal HSCT an option for her?"
    )
    assert [a.treatment for a in asks] == ["cord-cells", "ahsct"]


def test_after_asking_what_to_check_at_a_clinic_the_next_ask_is_about_the_transplant():
    asks = read_asks(
        "I want HSCT but my province won't offer it. 1) what should I ask a clinic in Mexico "
        "2) am I too old at 49"
    )
    assert asks[1].treatment == "ahsct"


def test_a_two_part_safety_ask_is_matched_in_its_own_words():
    asks = read_asks(
        "A clinic sells umbilical cord infusions. Is there proof they work? "
        "Is it safe, could it give her an infection?"
    )
    assert asks[1].alone_wins and not asks[1].alone.startswith("Is there proof")


def test_a_us_state_says_the_country():
    assert read_context("My dad has SPMS. Im in Texas").country == "US"


def test_an_aside_before_the_question_does_not_hide_it():
    assert texts("Had shingles once. also dumb question but when can I drive again, so tired lately.") == [
        "when can I drive again, so tired lately."
    ]


def test_a_choice_that_names_another_treatment_is_its_own_ask():
    assert (
        len(read_asks("How many stay relapse free after HSCT, is it more than with Kesimpta or similar?"))
        == 2
    )


def test_a_question_after_its_condition_and_a_question_word_is_an_ask():
    asks = read_asks("I am 30. And if I have a baby what is the chance she gets MS from me.")
    assert len(asks) == 1 and asks[0].text.startswith("And if I have a baby")


def test_how_much_after_a_risk_asks_how_big_the_risk_is():
    assert read_asks("And the cancer risk from the chemo years later, how much?")[0].aspect == "risks"


def test_a_yes_or_no_put_last_is_an_ask():
    asks = read_asks("I had HSCT in 2022. I want a small tattoo for my birthday, it is ok now or no")
    assert len(asks) == 1 and "tattoo" in asks[0].text


def test_bullet_lines_are_separate_asks():
    asks = read_asks(
        "Writing for my dad, 60, SPMS.\n- would he qualify? is there an age limit\n"
        "- does HSCT do anything for progressive MS\n- what would it cost privately"
    )
    assert [a.aspect for a in asks][-2:] == ["effectiveness", "cost"]


def test_should_she_do_one_thing_instead_of_another_is_a_choice_not_a_price():
    asks = read_asks(
        "She asks whether she should go straight to HSCT instead of ocrelizumab, and a clinic quoted €9k."
    )
    assert asks[0].aspect == "decision"


def test_the_transplant_named_only_to_be_set_against_is_not_the_topic():
    asks = read_asks("New cord cell therapy, SAFER THAN HSCT, no chemo. Is there proof it stops MS?")
    assert asks[0].treatment == "cord-cells"


def test_a_wish_to_know_with_an_adverb_reports_each_question():
    asks = read_asks(
        "I'd like to know realistically how many months she needs off, whether she'll need her "
        "vaccines again, and what to do about the pill."
    )
    assert len(asks) == 3


def test_an_unrelated_aside_and_a_question_after_a_dash_are_asks():
    asks = read_asks(
        "Two years post HSCT. unrelated but can i get a tattoo now. "
        "and i had a fit during the transplant (the drugs, they said) - does that affect me driving still"
    )
    assert len(asks) == 2 and asks[0].aspect != "eligibility"


def test_the_age_limit_after_comparing_a_drug_with_the_transplant_is_the_transplants():
    asks = read_asks(
        "My neurologist offers Lemtrada or aHSCT. How do the thyroid risks of Lemtrada compare? "
        "And at 49 am I near the upper age limit?"
    )
    assert asks[-1].treatment == "ahsct" and asks[-1].aspect == "eligibility"


def test_the_sex_of_the_person_whose_ms_it_is():
    assert read_context("Hi, 29, male, RRMS since 2021").sex == "male"
    assert read_context("My wife (41) is booked for aHSCT and my son is 6").sex == "female"
    assert read_context("My husband says I should go abroad. I'm 34, will it make me infertile?").sex is None


def test_a_list_typed_with_bare_numbers_on_its_own_lines_is_read_ask_by_ask():
    # the message as the page passes it on: cleaned by read_message, which once joined every line
    # into one, so the numbered asks below read as one request about insurance
    from assistant.flow.understand import read_message

    typed = (
        "im 31 with rrms and relapsing on ocrevus. couple things\n"
        "1 my insurer refused hsct as experimental, has anyone won an appeal\n"
        "2 is there a trial i could join in the US, is it still open\n"
        "3 could i go back to teaching after with the infection risk\n"
        "also can my husband stay with me at the clinic for free"
    )
    asks = read_asks(read_message(typed, 4000).asked)
    assert len(asks) >= 4
    texts = [a.text for a in asks]
    assert "insurer" in texts[0] and any("trial" in t for t in texts[1:3])
    assert "husband" in texts[-1]
    # a hard-wrapped line is still one sentence
    assert (
        read_message("I had HSCT in\nMarch and my hair\nis thin", 4000).asked
        == "I had HSCT in March and my hair is thin"
    )


def test_who_pays_is_a_price_ask_and_a_numbered_question_splits_after_its_number():
    (first, pays) = read_asks("should I freeze my eggs first and who pays for that?")
    assert pays.aspect == "cost" and "eggs" in pays.query
    asks = read_asks("1. Would I actually qualify for HSCT on the NHS, and how long is the wait usually?")
    assert len(asks) == 2 and asks[1].text.lower().startswith("how long is the wait")


def test_a_yellow_fever_vaccine_after_a_transplant_is_no_urgent_symptom():
    from assistant.flow.notices import urgent

    assert not urgent("She had aHSCT eight months ago and asks whether she can get the yellow fever vaccine.")
    assert urgent("She had aHSCT eight months ago and now has a fever and chills.")


def test_i_wonder_if_and_lettered_lines_are_asks():
    from assistant.flow.understand import read_message

    asks = read_asks(
        "I live in Poland and have RRMS. Is HSCT done in public hospitals here? Also we want a baby one "
        "day and I read the chemo harms fertility, so I wonder if I must freeze eggs before or not."
    )
    assert len(asks) == 2 and "freeze eggs" in asks[1].text
    typed = (
        "My sister was offered HSCT abroad by a broker. My questions are:\n"
        "a) is a guarantee of results something a real hospital would give?\n"
        "b) what are the serious risks, including deaths?\n"
        "c) if something goes wrong after she comes home, who looks after her?"
    )
    texts = [a.text for a in read_asks(read_message(typed, 4000).asked)]
    assert len(texts) == 3 and "risks" in texts[1] and "looks after" in texts[2]


def test_a_drug_had_before_leaves_the_ask_on_the_transplant():
    (ask,) = read_asks("My neuro mentioned HSCT. Would having had alemtuzumab rule me out?")
    assert ask.treatment == "ahsct"


def test_asks_hidden_in_statements_are_read():
    asks = read_asks(
        "I keep reading that people have died from HSCT and I don't know how real that risk is. My "
        "oldest keeps asking if she is going to get MS too"
    )
    assert len(asks) == 2 and "risk" in asks[0].text and "get MS" in asks[1].text
    asks = read_asks(
        "Can anyone tell me what the price difference is, and whether the German one uses the trial protocol?"
    )
    assert len(asks) == 2 and asks[1].text.lower().startswith("whether the german")
    (ask,) = read_asks(
        "Our neuro mentioned HSCT. I'd like to know whether the risk is higher because he's had ocrelizumab?"
    )
    assert ask.treatment == "ahsct"


def test_would_typed_short_still_opens_a_second_ask():
    from assistant.flow.understand import read_message

    typed = "is hsct any use for spms or is it only for relapsing ppl, and wud the nhs even pay for it"
    asks = read_asks(read_message(typed, 4000).asked)
    assert len(asks) == 2 and asks[1].aspect == "cost"


def test_is_it_correct_that_keeps_its_it():
    asks = read_asks("Is HSCT safe? And is it correct that he will need his vaccines again?")
    assert "is it correct" in asks[-1].query.lower()
