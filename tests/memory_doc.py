"""A small communiqué and our own English translation, as a translation memory for the TM tests.

The sentences are written for the tests in the style of the seed communiqué (not copied from
any published translation). ``CHANGED`` is next year's communiqué: the same text with five
sentences changed — a date, a number, a name, a word, and one sentence rewritten.
"""

from __future__ import annotations

ZH = [
    "上海合作组织成员国外交部长会议联合公报",
    "上海合作组织外交部长会议于2002年11月23日在莫斯科举行。",
    "会议就本组织活动和迫切的国际问题进行了建设性的讨论。",
    "部长们指出，本组织框架内的多边合作正在稳步开展。",
    "各方商定在下次六国外长会议前提出具体建议。",
    "部长们就世界局势交换了意见。",
    "部长们重申，应尽快建立应对威胁和挑战的全球体系。",
    "本组织成员国支持国际社会打击恐怖主义的努力。",
    "部长们一致认为，巩固中亚地区的稳定是本组织的首要任务。",
    "部长们支持朝鲜半岛无核化。",
    "部长们支持本组织与东盟建立工作联系。",
    "本组织成员国准备与所有感兴趣的国家开展合作。",
]

EN = [
    "Joint Communiqué of the Meeting of Foreign Ministers of the Member States of the Shanghai "
    "Cooperation Organization",
    "The Meeting of Foreign Ministers of the Shanghai Cooperation Organization was held in "
    "Moscow on 23 November 2002.",
    "The meeting held a constructive discussion of the Organization's activities and of urgent "
    "international issues.",
    "The ministers noted that multilateral cooperation within the framework of the Organization "
    "is developing steadily.",
    "The parties agreed to put forward concrete proposals before the next meeting of the foreign "
    "ministers of the six countries.",
    "The ministers exchanged views on the world situation.",
    "The ministers reaffirmed that a global system to counter threats and challenges should be "
    "set up as soon as possible.",
    "The member states of the Organization support the efforts of the international community "
    "to combat terrorism.",
    "The ministers agreed that consolidating stability in Central Asia is the Organization's "
    "first priority.",
    "The ministers support the denuclearization of the Korean Peninsula.",
    "The ministers support the establishment of working contacts between the Organization and "
    "ASEAN.",
    "The member states of the Organization are ready to cooperate with all interested countries.",
]

DATE, NUMBER, NAME, WORD, REWRITTEN = 1, 4, 10, 5, 6
CHANGED = list(ZH)
CHANGED[DATE] = "上海合作组织外交部长会议于2003年11月23日在莫斯科举行。"
CHANGED[NUMBER] = "各方商定在下次七国外长会议前提出具体建议。"
CHANGED[NAME] = "部长们支持本组织与欧盟建立工作联系。"
CHANGED[WORD] = "部长们就地区局势交换了意见。"
CHANGED[REWRITTEN] = "与会者强调，必须通过政治外交手段解决地区冲突。"

# With this glossary the name is a term, and the repair swaps its English too.
GLOSSARY_TSV = "zh\ten\n东盟\tASEAN\n欧盟\tEuropean Union|EU\n"
NAME_REPAIRED = (
    "The ministers support the establishment of working contacts between the Organization and "
    "European Union."
)

EXPECTED_REPAIRS = {
    DATE: "The Meeting of Foreign Ministers of the Shanghai Cooperation Organization was held in "
    "Moscow on 23 November 2003.",
    NUMBER: "The parties agreed to put forward concrete proposals before the next meeting of the "
    "foreign ministers of the seven countries.",
}


def document(lines: list[str]) -> str:
    """One sentence per paragraph, as a communiqué is laid out."""
    return "\n\n".join(lines) + "\n"
