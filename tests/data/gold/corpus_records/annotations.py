"""The gold annotations of the corpus records in ../docs/corpora/ and ../docs/un/, decided by reading each record.

Each record's units are one of:
* ``whole(...)``: the record's whole text is one turn (a speaker's own paragraph, speech or address);
* ``turns(labels)``: the text is split at its speaker labels ("Zhao Lijian:", "QUESTION:"); each
  label maps to (speaker as written, resolved speaker, side, kind);
* ``quote(fragments, ...)``: a quotation (its exact words) and who said it;
* ``paragraphs(...)``: each paragraph (dateline and end marker left out) with its speaker.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

GOLD = Path(__file__).resolve().parent.parent
DOCS = GOLD / "docs"
TEXT_FIELDS = ("text", "story_text", "answer", "content")


def whole(speaker, resolved, side, kind="turn"):
    return ("whole", speaker, resolved, side, kind)


def turns(labels: dict, preamble=None):
    return ("turns", labels, preamble)


def quote(fragments, speaker, resolved, side, kind="direct"):
    return ("quote", fragments if isinstance(fragments, list) else [fragments], speaker, resolved, side, kind)


def paragraphs(*speakers):
    """One entry per paragraph: (speaker, resolved, side) or None for a paragraph that is no unit."""
    return ("paragraphs", speakers)


def question(field="question"):
    return ("question", field)


KCNA = ("KCNA", "KCNA", "DPRK")
KIM_YO_JONG = ("Kim Yo Jong", "Kim Yo Jong", "DPRK")
Q = ("QUESTION", None, "press", "question")
PRICE = ("MR PRICE", "Ned Price", "US", "turn")

RECORDS: dict[str, list[list]] = {
    "wh_turns": [
        [whole("MS. JEAN-PIERRE", "Karine Jean-Pierre", "US")],
        [whole("MS. PSAKI", "Jen Psaki", "US")],
        [whole("THE PRESIDENT", "Biden", "US")],
        [whole("THE PRESIDENT", "Biden", "US")],
        [whole("PRESIDENT YOON", "Yoon Suk Yeol", "ROK")],
        [whole("PRIME MINISTER KISHIDA", "Kishida Fumio", "Japan")],
        [whole("PRIME MINISTER KISHIDA", "Kishida Fumio", "Japan")],
        [whole("PRESIDENT ZELENSKYY", "Volodymyr Zelenskyy", "Ukraine")],
    ],
    "obama_wh_turns": [
        [whole("MR. CARNEY", "Jay Carney", "US")],
        [whole("MR. GIBBS", "Robert Gibbs", "US")],
        [whole("MR. EARNEST", "Josh Earnest", "US")],
        [whole("MR. CARNEY", "Jay Carney", "US")],
        [whole("MR. DONILON", "Tom Donilon", "US")],
        [whole("PRESIDENT PARK", "Park", "ROK")],
        [whole("PRESIDENT PARK", "Park", "ROK")],
        [whole("PRIME MINISTER NAJIB", "Najib", "other_state")],
    ],
    "china_fm": [
        [question(), whole("Lu Kang", "Lu Kang", "China")],
        [question(), whole("Lu Kang", "Lu Kang", "China")],
        [question(), whole("Geng Shuang", "Geng Shuang", "China")],
        [question(), whole("Geng Shuang", "Geng Shuang", "China")],
        [question(), whole("Geng Shuang", "Geng Shuang", "China")],
        [
            turns(
                {
                    "The Paper": ("The Paper", "The Paper", "press", "question"),
                    "Zhao Lijian": ("Zhao Lijian", "Zhao Lijian", "China", "turn"),
                }
            )
        ],
        [whole("Zhao Lijian", "Zhao Lijian", "China")],
        [
            turns(
                {
                    "The Paper": ("The Paper", "The Paper", "press", "question"),
                    "Hua Chunying": ("Hua Chunying", "Hua Chunying", "China", "turn"),
                }
            )
        ],
    ],
    "statedept": [
        [turns({"QUESTION": Q, "MR THOMPSON": ("MR THOMPSON", "Dean Thompson", "US", "turn")})],
        [turns({"QUESTION": Q, "SECRETARY BLINKEN": ("SECRETARY BLINKEN", "Antony J. Blinken", "US", "turn")})],
        [turns({"QUESTION": Q, "MR PRICE": PRICE, "SECRETARY BLINKEN": ("SECRETARY BLINKEN", "Antony J. Blinken", "US", "turn")})],
        [turns({"QUESTION": Q, "MR PRICE": PRICE})],
        [],  # travel announcement: no quotation
        [],  # G7 statement released as text: no quotation
        [],  # travel announcement: a conference theme in quotes is a title
        [],  # travel announcement: a nickname in quotes
    ],
    "kcna": [
        [paragraphs(KCNA, *[KIM_YO_JONG] * 10)],
        [paragraphs(KCNA, KIM_YO_JONG, KIM_YO_JONG)],
        [paragraphs(KCNA, *[KIM_YO_JONG] * 8)],
        [
            paragraphs(
                KCNA,
                KCNA,
                KCNA,
                KCNA,
                ("He", "a member of the National Political Committee of the Brazilian Communist Party", None),
                (
                    "The chairman of the Brazilian Center for the Study of Songun Politics and the chairman of the Brazilian Center for the Study of People's Korea",
                    "The chairman of the Brazilian Center for the Study of Songun Politics and the chairman of the Brazilian Center for the Study of People's Korea",
                    None,
                ),
            )
        ],
        [
            paragraphs(
                KCNA,
                (
                    "The secretary of the Central Committee of the All-Union Communist Party of Bolsheviks",
                    "The secretary of the Central Committee of the All-Union Communist Party of Bolsheviks",
                    None,
                ),
                ("he", "The secretary of the Central Committee of the All-Union Communist Party of Bolsheviks", None),
                (
                    "The general secretary of the Communist Party of the Democratic Congo",
                    "The general secretary of the Communist Party of the Democratic Congo",
                    None,
                ),
                (
                    "The chairman of the Supreme Council of the National Socialist Party of Romania",
                    "The chairman of the Supreme Council of the National Socialist Party of Romania",
                    None,
                ),
                ("he", "The chairman of the Supreme Council of the National Socialist Party of Romania", None),
            )
        ],
        [paragraphs(KCNA, ("The message", "Wang Yi", "China"), ("It", "Wang Yi", "China"), ("the message", "Wang Yi", "China"))],
        [paragraphs(KCNA, KCNA, KCNA)],
        [paragraphs(KCNA, KCNA, KCNA, KCNA, KCNA, KCNA)],
    ],
    "mfa_sg": [
        [
            turns(
                {
                    "Question 1": ("Question 1", None, "press", "question"),
                    "Question 2": ("Question 2", None, "press", "question"),
                    "Minister": ("Minister", "Vivian Balakrishnan", "Singapore", "turn"),
                }
            )
        ],
        [turns({"Minister": ("Minister", "Vivian Balakrishnan", "Singapore", "turn")})],
        [turns({"Minister Vivian Balakrishnan": ("Minister Vivian Balakrishnan", "Vivian Balakrishnan", "Singapore", "turn")})],
        [
            turns(
                {
                    "Minister Vivian Balakrishnan": ("Minister Vivian Balakrishnan", "Vivian Balakrishnan", "Singapore", "turn"),
                    "Minister Penny Wong": ("Minister Penny Wong", "Penny Wong", "other_state", "turn"),
                }
            )
        ],
        [
            quote(
                "As Malaysia reopens our borders to international travellers starting 1 April 2022, we will achieve another significant milestone in facilitating cross border travel with our immediate neighbour, Singapore. Today’s announcement reflects the long-standing relations and multifaceted cooperation as well as strong people-to-people ties between the two countries. This will certainly contribute to the recovery efforts with positive impacts on the economies and livelihood of the peoples of both countries",
                "PM Dato’ Sri Ismail Sabri Yaakob",
                "Ismail Sabri Yaakob",
                "other_state",
            ),
            quote(
                "Singapore and Malaysia enjoy deep, warm and multi-faceted relations, as well as strong people-to-people ties. Today’s announcement is a significant milestone in our transition towards living with COVID-19. It reflects the strong collaboration both sides have enjoyed throughout the pandemic and will help both countries emerge stronger from this crisis,",
                "PM Lee Hsien Loong",
                "Lee Hsien Loong",
                "Singapore",
            ),
        ],
        [
            quote(
                [
                    "Singapore welcomes Indonesia’s ratification of the ET and DCA. Indonesia had earlier ratified the Agreement on the Realignment of the Boundary between the Jakarta Flight Information Region (FIR) and the Singapore FIR (FIR Agreement). Indonesia’s ratification of all three agreements under the Expanded Framework between Singapore and Indonesia is a clear sign of the strength and maturity of our bilateral relationship, and our commitment to work together as close neighbours. Singapore has also completed its domestic legal processes for the three agreements.",
                    "We look forward to exchanging with Indonesia our formal notifications of the completion of our respective domestic processes for all three agreements. Singapore and Indonesia will then jointly seek approval from the International Civil Aviation Organization (ICAO) for the arrangements under the FIR Agreement, to enable the simultaneous entry into force of all three agreements on a mutually agreed date.",
                ],
                "the MFA Spokesperson",
                "the MFA Spokesperson",
                "Singapore",
            ),
        ],
        [
            quote(
                "Mr Dennis Tan Lip Fong To ask the Minister for Foreign Affairs (a) whether he can provide an update on the situation in Afghanistan from a foreign policy perspective; and (b) how does the change in government impact the bilateral ties that Singapore has with Afghanistan especially given the past involvement of the SAF in Afghanistan.",
                "Mr Dennis Tan Lip Fong",
                "Dennis Tan Lip Fong",
                "Singapore",
                "question",
            ),
            quote(
                "on the verge of a dramatic humanitarian disaster",
                "The United Nations Secretary General Antonio Guterres",
                "Antonio Guterres",
                "UN",
                "partial",
            ),
            quote(
                "not be used to threaten or attack any country or to shelter or train terrorists, or to plan or to finance terrorist acts, and reiterates the importance of combating terrorism in Afghanistan",
                "United Nations Security Council Resolution 2593 (2021)",
                "United Nations Security Council Resolution 2593 (2021)",
                "UN",
                "partial",
            ),
        ],
        [
            quote(
                "I am honoured to have witnessed the handover of humanitarian assistance from RLAF and the Singapore Red Cross to UNRWA and the Egyptian Red Crescent. The deepening humanitarian crisis in Gaza is a tragedy, and there is an urgent need for humanitarian assistance to be extended to the civilians in Gaza. I am proud that Singaporeans have stepped up generously to support these needs.",
                "Minister Maliki",
                "Mohamad Maliki Osman",
                "Singapore",
            ),
        ],
    ],
    "kremlin_transcripts": [
        [turns({"President of Russia Vladimir Putin": ("President of Russia Vladimir Putin", "Vladimir Putin", "Russia", "turn")})],
        [
            turns(
                {
                    "Vladimir Putin": ("Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Question": ("Question", None, "press", "question"),
                }
            )
        ],
        [
            turns(
                {
                    "Vladimir Putin": ("Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Yekaterina Lazareva": ("Yekaterina Lazareva", "Yekaterina Lazareva", None, "question"),
                }
            )
        ],
        [
            turns(
                {
                    "Vladimir Putin": ("Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Pavel Zarubin": ("Pavel Zarubin", "Pavel Zarubin", "press", "question"),
                }
            )
        ],
        [
            turns(
                {
                    "Vladimir Putin": ("Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Anjana Om Kashyap": ("Anjana Om Kashyap", "Anjana Om Kashyap", "press", "question"),
                }
            )
        ],
        [
            turns(
                {
                    "Vladimir Putin": ("Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Alexander Shokhin": ("Alexander Shokhin", "Alexander Shokhin", None, "turn"),
                }
            )
        ],
        [
            turns(
                {
                    "President of Russia Vladimir Putin": ("President of Russia Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Vladimir Putin": ("Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Question": ("Question", None, "press", "question"),
                }
            )
        ],
        [
            turns(
                {
                    "Vladimir Putin": ("Vladimir Putin", "Vladimir Putin", "Russia", "turn"),
                    "Andrei Kolesnikov": ("Andrei Kolesnikov", "Andrei Kolesnikov", None, "turn"),
                    "Olga Skabeyeva": ("Olga Skabeyeva", "Olga Skabeyeva", "press", "question"),
                }
            )
        ],
    ],
    "kremlin_ukraine_releases": [
        [("message",)],  # the Kremlin's greetings: "The message reads, in part: ..."
        [("message",)],
        [("message",)],
        [("message",)],
        [
            quote(
                "Ukraine is very patient, because that's the wisdom. I think this is important not only for Ukraine, but also for the whole of Europe. And it is very important for the Russians, because the escalation by the other side depends on our patience,",
                "the Ukrainian President",
                "Volodymyr Zelenskyy",
                "Ukraine",
            ),
            quote(
                "Our patience influences provocations - when we do not respond, but behave decently,",
                "the President",
                "Volodymyr Zelenskyy",
                "Ukraine",
            ),
        ],
        [],
        [
            quote(
                'As I promised, the state will compensate for the loss of a house or apartment as a result of hostilities. Every citizen of ours can already submit an application in "Diia". Applications are already available in the mobile application. You need to update the app to see this new service,',
                "the President",
                "Volodymyr Zelenskyy",
                "Ukraine",
            ),
            quote(
                "The main thing is that the state will compensate for every meter of lost real estate,",
                "Volodymyr Zelenskyy",
                "Volodymyr Zelenskyy",
                "Ukraine",
            ),
        ],
        [
            quote(
                "We will adequately respond to the development of the situation on our border. We are already increasing the capacity of the border service. We are ready to involve other reserves as well,",
                "the Head of State",
                "Volodymyr Zelenskyy",
                "Ukraine",
            ),
        ],
    ],
    "ukraine_video_addresses": [
        [
            quote(
                "It would be naive to expect that the Russian leadership will abandon its plans due to lower living standards. So we need to make sure that the financial system does not cope with this burden, that Russian industry does not have the technical capabilities, technology and materials to produce weapons of war. Therefore, sanctions should be long-term, ",
                "Andriy Yermak",
                "Andriy Yermak",
                "Ukraine",
            ),
        ],
        [],  # a description of a meeting, nobody's words
        [whole("Volodymyr Zelenskyy (President of Ukraine)", "Volodymyr Zelenskyy", "Ukraine")],
        [whole("Volodymyr Zelenskyy (President of Ukraine)", "Volodymyr Zelenskyy", "Ukraine")],
        [whole("Volodymyr Zelenskyy (President of Ukraine)", "Volodymyr Zelenskyy", "Ukraine")],
        [whole("Volodymyr Zelenskyy (President of Ukraine)", "Volodymyr Zelenskyy", "Ukraine")],
        [whole("Denys Shmyhal (Prime Minister of Ukraine)", "Denys Shmyhal", "Ukraine")],
        [whole("Volodymyr Zelenskyy (President of Ukraine)", "Volodymyr Zelenskyy", "Ukraine")],
    ],
}
# The Kremlin's greetings quote "the message" of the President of Russia, published by the Kremlin.
MESSAGE = ("The message", "The message", "Russia")
# Author statements (KCNA stories, video addresses) are units of their own in these files.
AUTHOR_STATEMENTS = {"kcna", "ukraine_video_addresses"}

UN = {
    "PRK_79_2024.txt": ("Delegation of the Democratic People's Republic of Korea", "DPRK"),
    "KOR_79_2024.txt": ("Delegation of the Republic of Korea", "ROK"),
    "JPN_79_2024.txt": ("Delegation of Japan", "Japan"),
    "CHN_79_2024.txt": ("Delegation of China", "China"),
    "USA_79_2024.txt": ("Delegation of the United States of America", "US"),
    "UKR_79_2024.txt": ("Delegation of Ukraine", "Ukraine"),
    "SGP_77_2022.txt": ("Delegation of Singapore", "Singapore"),
    "BRA_77_2022.txt": ("Delegation of Brazil", "other_state"),
}


def _unit(fragments, speaker, resolved, side, kind):
    return {"fragments": fragments, "speaker": speaker, "speaker_resolved": resolved, "kind": kind, "speaker_side": side}


_DATELINE = re.compile(r"^[^\n]{0,60}\((?:KCNA)\)\s*--\s*")


def units_of(record: dict, decisions: list) -> list[dict]:
    text_field = next(f for f in TEXT_FIELDS if record.get(f))
    text = record[text_field]
    units = []
    for decision in decisions:
        if decision[0] == "whole":
            _, speaker, resolved, side, kind = decision
            units.append(_unit([text.strip()], speaker, resolved, side, kind))
        elif decision[0] == "question":
            units.append(_unit([record[decision[1]].strip()], None, None, "press", "question"))
        elif decision[0] == "quote":
            _, fragments, speaker, resolved, side, kind = decision
            for fragment in fragments:
                assert fragment in text, fragment[:60]
            units.append(_unit(fragments, speaker, resolved, side, kind))
        elif decision[0] == "message":
            match = re.search(r'in part:\s*"(.*)"', text, re.S)
            units.append(_unit([match.group(1)], *MESSAGE, "direct"))
        elif decision[0] == "turns":
            labels, _ = decision[1], decision[2]
            pattern = re.compile(r"^(" + "|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True)) + r"):[ \t]*", re.M)
            matches = list(pattern.finditer(text))
            for match, following in zip(matches, matches[1:] + [None], strict=False):
                end = following.start() if following else len(text)
                speaker, resolved, side, kind = labels[match.group(1)]
                units.append(_unit([text[match.end() : end].strip()], speaker, resolved, side, kind))
        elif decision[0] == "paragraphs":
            body = text
            paras = [p for p in body.split("\n") if p.strip()]
            assert len(paras) == len(decision[1]), (len(paras), len(decision[1]), body[:80])
            for para, who in zip(paras, decision[1], strict=False):
                para = _DATELINE.sub("", para).strip()
                para = re.sub(r"\s*-0-\s*$", "", para)
                if who is not None:
                    units.append(_unit([para], who[0], who[1], who[2], "turn"))
    return units


def main() -> None:
    for name, decisions in RECORDS.items():
        path = DOCS / "corpora" / f"{name}.jsonl"
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(records) == len(decisions), name
        units = [u for record, d in zip(records, decisions, strict=False) for u in units_of(record, d)]
        annotation = {"document": f"corpora/{name}.jsonl", "units": units}
        if name in AUTHOR_STATEMENTS:
            annotation["author_statements"] = True
        (GOLD / "annotations" / f"corpus_{name}.json").write_text(
            json.dumps(annotation, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    for file_name, (speaker, side) in UN.items():
        text = (DOCS / "un" / file_name).read_text(encoding="utf-8")
        annotation = {"document": f"un/{file_name}", "units": [_unit([text.strip()], speaker, speaker, side, "turn")]}
        (GOLD / "annotations" / f"un_{file_name}.json").write_text(
            json.dumps(annotation, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    print("written")


if __name__ == "__main__":
    main()
