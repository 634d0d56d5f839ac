"""Behaviour tests of a stance model, in the spirit of CheckList (Ribeiro et al., ACL 2020).

Cross-validated scores say how often the model agrees with readers on statements like
those it was trained on; these templated cases say whether it does the right thing for
the right reason. Four capabilities, each with a pass rate:

* ``negation``: a negated act is not that act ("We do not condemn anyone" is not
  condemning), and negation that makes an act is read ("does not pose a threat" downplays);
* ``paraphrase``: plain-word statements of each stance get that stance;
* ``invariance``: the stance does not change when only the names of countries, people or
  dates change, or when source boilerplate (a dateline, an end marker) is added;
* ``out_of_scope``: text that is not English, or not language, gets ``uncertain``.

Every case is generated from the templates below; none is drawn from the label files.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

CAPABILITIES = ("negation", "paraphrase", "invariance", "out_of_scope")
TARGETS = {"negation": 0.85, "paraphrase": 0.80, "invariance": 0.95, "out_of_scope": 0.95}

ACTORS = ("North Korea", "Russia", "China", "the United States", "Iran", "Japan")
ACTS = ("missile launch", "military exercise", "nuclear test", "naval deployment", "satellite launch")
PEOPLE = ("Kim Jong Un", "Vladimir Putin", "Xi Jinping", "Joe Biden", "Fumio Kishida", "Volodymyr Zelenskyy")
DATES = ("on Monday", "last week", "on March 3", "in 2019", "yesterday")
DATELINES = ("Pyongyang, February 23 (KCNA) -- ", "WASHINGTON (AP) — ", "BEIJING, Jan. 5 (Xinhua) -- ", "SEOUL, March 3 (Yonhap) — ")


@dataclass(frozen=True)
class Case:
    """One check. ``expect`` is a label the prediction must equal, ``forbid`` one it must not;
    an invariance case compares ``text`` with ``variant`` instead."""

    capability: str
    kind: str
    text: str
    expect: str | None = None
    forbid: str | None = None
    variant: str | None = None


def _fill(templates: Sequence[str], count: int) -> list[str]:
    """Up to ``count`` distinct fillings of each template with actors, acts, people and dates,
    in a fixed order spread over all combinations."""
    combinations = list(itertools.product(ACTORS, ACTS, PEOPLE, DATES))
    stride = 217  # co-prime with the 900 combinations, so the picks visit them all, each slot varying
    texts: list[str] = []
    for template in templates:
        found: dict[str, None] = {}
        for k in range(len(combinations)):
            actor, act, person, date = combinations[(k * stride) % len(combinations)]
            found[template.format(actor=actor, act=act, person=person, date=date)] = None
            if len(found) >= count:
                break
        texts += list(found)
    return texts


def _variants(template: str, count: int) -> list[tuple[str, str, str, str]]:
    """``count`` fillings of an invariance template: the text, and the same text with other
    names, another date, and source boilerplate around it."""
    result = []
    for k in range(count):
        actor, other = ACTORS[k % len(ACTORS)], ACTORS[(k + 2) % len(ACTORS)]
        person, other_person = PEOPLE[k % len(PEOPLE)], PEOPLE[(k + 3) % len(PEOPLE)]
        act, date, other_date = ACTS[k % len(ACTS)], DATES[k % len(DATES)], DATES[(k + 2) % len(DATES)]
        text = template.format(actor=actor, act=act, person=person, date=date)
        renamed = template.format(actor=other, act=act, person=other_person, date=date)
        redated = template.format(actor=actor, act=act, person=person, date=other_date)
        datelined = DATELINES[k % len(DATELINES)] + text + (" -0-" if k % 2 else "")
        result.append((text, renamed, redated, datelined))
    return result


NEGATED = {
    "condemning": (
        "We do not condemn {actor} for the {act}.",
        "We are not criticizing anyone over the {act}.",
        "We don't blame {actor} for the {act}.",
    ),
    "open_to_dialogue": (
        "We are not ready to talk with {actor}.",
        "We have no intention of negotiating with {actor}.",
        "There will be no talks with {actor} {date}.",
        "{person} will not meet the leader of {actor}.",
    ),
    "threatening": (
        "We will not retaliate against {actor} for the {act}.",
        "{actor} will face no consequences from us over the {act}.",
    ),
}
NEGATION_MAKES = {
    "downplaying": (
        "The {act} does not pose a threat to anyone.",
        "The {act} is not aimed at any third country.",
        "We don't want to make a big deal of the {act}.",
        "The {act} was not a violation of any resolution.",
    ),
}
PARAPHRASES = {
    "condemning": (
        "We condemn {actor}'s {act} in the strongest terms.",
        "The {act} by {actor} is a reckless provocation that violates international law.",
        "We strongly oppose the {act}, which threatens peace and stability.",
    ),
    "downplaying": (
        "The {act} was a routine and purely defensive activity.",
        "There is no cause for alarm: the {act} is a normal part of regular training.",
        "The {act} by {actor} poses no threat to us or to our allies.",
    ),
    "open_to_dialogue": (
        "We remain ready to meet {actor} without preconditions.",
        "We call on all parties to resolve the issue through dialogue and negotiation.",
        "Our door to diplomacy with {actor} remains open.",
    ),
    "reassuring": (
        "Our commitment to the defense of our allies remains ironclad.",
        "We stand firmly with our partners and will keep coordinating closely with them.",
        "We are monitoring the {act} closely in coordination with our allies.",
        "{person} reaffirmed the unwavering commitment to our alliance with {actor}.",
    ),
    "threatening": (
        "If {actor} continues, we will take resolute countermeasures and they will pay the price.",
        "Any provocation by {actor} will be met with an overwhelming military response.",
    ),
    "neutral": (
        "{person} met the foreign minister {date} to discuss the schedule.",
        "I don't have anything to announce on that today.",
        "The {act} took place {date}, according to the defense ministry.",
    ),
}
INVARIANCE_BASES = (
    "We condemn {actor}'s {act} {date}.",
    "{person} said the door to dialogue with {actor} remains open.",
    "The {act} {date} was routine and posed no threat.",
    "We will respond firmly to any provocation by {actor}.",
    "Our alliance with {actor} remains strong and unwavering.",
    "{person} visited the capital {date} for a scheduled meeting.",
    "{person} warned that {actor} will pay a heavy price for the {act}.",
    "We are closely monitoring the {act} by {actor} with our partners.",
)
FOREIGN = (
    "Nous condamnons fermement ce lancement de missile.",
    "Wir verurteilen diesen Raketenstart auf das Schärfste.",
    "Condenamos enérgicamente el lanzamiento del misil.",
    "Мы решительно осуждаем этот запуск ракеты.",
    "我们强烈谴责这次导弹发射。",
    "우리는 이번 미사일 발사를 강력히 규탄한다.",
    "私たちはこのミサイル発射を強く非難する。",
    "Мы готовы к переговорам без предварительных условий.",
    "Siamo pronti a dialogare senza precondizioni.",
    "Estamos dispuestos a dialogar con todas las partes.",
    "Nous restons attachés à la défense de nos alliés.",
    "Biz bu füze fırlatmasını şiddetle kınıyoruz.",
    "Ми рішуче засуджуємо цей ракетний удар.",
    "Kami mengutuk keras peluncuran rudal tersebut.",
    "Wij veroordelen deze raketlancering ten zeerste.",
    "我们愿意通过对话解决问题。",
    "Estamos prontos para negociar sem condições prévias.",
    "Vi fördömer kraftfullt denna robotuppskjutning.",
    "Potępiamy ten start rakiety w najostrzejszych słowach.",
    "Tuna laani vikali uzinduzi huu wa kombora.",
)
NONSENSE = (
    "asdf qwer zxcv",
    "lorem ipsum dolor sit amet consectetur",
    "xkcd qqq zzz blorp fnord",
    "1234 5678 91011",
    "ggggg hhhhh jjjjj kkkkk",
    "qwertyuiop asdfghjkl",
    "zorp blen quix vamt",
    "!!! ??? ...",
    "aaaa bbbb cccc dddd eeee",
    "flibber jabber wocky tove",
    "mxyzptlk kltpzyxm",
    "ptang zing bloop vrrr",
    "ooo eee aaa uuu",
    "brr zzt pff hmm",
    "klaatu barada nikto",
    "snarf wibble plonk",
    "#### **** %%%%",
    "blip blop bleep bloop",
    "xyzzy plugh frotz",
    "ulg ulg ulg",
)


def behaviour_cases() -> list[Case]:
    """Every case of the suite, in a fixed order."""
    cases: list[Case] = []
    for label, templates in NEGATED.items():
        cases += [Case("negation", "negated act", text, forbid=label) for text in _fill(templates, 12)]
    for label, templates in NEGATION_MAKES.items():
        cases += [Case("negation", "negation that downplays", text, expect=label) for text in _fill(templates, 8)]
    for label, templates in PARAPHRASES.items():
        cases += [Case("paraphrase", label, text, expect=label) for text in _fill(templates, 8)]
    for template in INVARIANCE_BASES:
        for text, renamed, redated, datelined in _variants(template, 6):
            if renamed != text:
                cases.append(Case("invariance", "names", text, variant=renamed))
            if redated != text:
                cases.append(Case("invariance", "dates", text, variant=redated))
            cases.append(Case("invariance", "boilerplate", text, variant=datelined))
    cases += [Case("out_of_scope", "not English", text, expect="uncertain") for text in FOREIGN]
    cases += [Case("out_of_scope", "not language", text, expect="uncertain") for text in NONSENSE]
    return list({(case.text, case.variant): case for case in cases}.values())  # each check once


def run_behaviour(model, cases: Sequence[Case] | None = None, target: str = "stance") -> dict:
    """Pass rate per capability (and per kind within it), with the failed cases.

    ``model`` is anything :func:`stance.predict.predict_rows` takes.
    """
    from stance.predict import predict_rows

    cases = list(cases if cases is not None else behaviour_cases())
    texts = [c.text for c in cases] + [c.variant for c in cases if c.variant is not None]
    predicted = dict(zip(texts, (row[target] for row in predict_rows(model, texts)), strict=True))
    results: dict[str, dict] = {}
    for case in cases:
        label = predicted[case.text]
        if case.variant is not None:
            passed = predicted[case.variant] == label
        elif case.expect is not None:
            passed = label == case.expect
        else:
            passed = label != case.forbid
        entry = results.setdefault(case.capability, {"cases": 0, "passed": 0, "kinds": {}, "failures": []})
        kind = entry["kinds"].setdefault(case.kind, {"cases": 0, "passed": 0})
        for counter in (entry, kind):
            counter["cases"] += 1
            counter["passed"] += passed
        if not passed:
            got = label if case.variant is None else f"{label} / variant: {predicted[case.variant]}"
            entry["failures"].append({"text": case.text, "variant": case.variant, "expected": case.expect or case.forbid, "got": got})
    for entry in results.values():
        entry["pass_rate"] = entry["passed"] / entry["cases"]
        for kind in entry["kinds"].values():
            kind["pass_rate"] = kind["passed"] / kind["cases"]
    return results


def format_behaviour(results: dict, failures: int = 3) -> str:
    """A table of pass rates against their targets, and a few failed cases per capability."""
    lines = [f"{'capability':<14}{'kind':<26}{'cases':>7}{'passed':>8}{'rate':>8}{'target':>8}"]
    for capability in CAPABILITIES:
        entry = results.get(capability)
        if not entry:
            continue
        lines.append(
            f"{capability:<14}{'(all)':<26}{entry['cases']:>7}{entry['passed']:>8}{entry['pass_rate']:>8.1%}{TARGETS[capability]:>8.0%}"
        )
        for kind, k in entry["kinds"].items():
            lines.append(f"{'':<14}{kind:<26}{k['cases']:>7}{k['passed']:>8}{k['pass_rate']:>8.1%}")
    for capability in CAPABILITIES:
        shown = results.get(capability, {}).get("failures", [])[:failures]
        if shown:
            lines += ["", f"failed {capability} cases (first {len(shown)}):"]
            lines += [
                f"  {f['text']!r}: expected {'not ' if capability == 'negation' and f['expected'] != 'downplaying' else ''}{f['expected']}, got {f['got']}"
                for f in shown
            ]
    return "\n".join(lines)
