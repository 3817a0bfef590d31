"""The parts of the staff draft (assistant/draft.py assembles them and trims the body):
- `limits`: how much of each fixed part a draft keeps, and the tighter levels tried in turn;
- `person`: who writes about whom, the greeting and the acknowledgement;
- `safety`: the safety actions (and the urgent line), each with its cited reason;
- `clinic`: a clinic's offer: its red flags and questions to put to the clinic;
- `asks`: each ask answered in the order asked, claim cards as plain paragraphs, apologies;
- `references`: [n] and [@note-id] renumbered per document, and the Vancouver reference list;
- `content`: the reviewed staff content (sources/staff.yaml) for a library.
"""
