"""Names for the demo's customers, Chinese and English, in the shapes a Shanghai sales team meets them."""

from __future__ import annotations

import random
from dataclasses import dataclass

CHINESE_PREFIXES = (
    "华联", "鑫源", "金桥", "东方", "海纳", "新世纪", "百佳", "恒丰", "宏达", "永辉", "天成", "锦江",
    "瑞丰", "同福", "长宁", "徐汇", "静安", "浦江", "虹桥", "嘉禾", "福满", "盛世", "润发", "万家",
)  # fmt: skip
CHINESE_TRADES = (
    "超市", "五金", "餐饮", "便利店", "批发", "药房", "酒店", "茶行", "粮油", "建材", "烘焙", "水果行",
)  # fmt: skip
ENGLISH_PREFIXES = (
    "Bright Star", "Golden Gate", "Blue River", "Summit", "Evergreen", "Pioneer", "Silver Oak", "Lotus",
    "Northwind", "Redwood", "Maple", "Crescent", "Orchid", "Jade", "Pacific", "Riverside", "Sunrise",
    "Westlake", "Harbourside", "Kingfisher",
)  # fmt: skip
ENGLISH_KINDS = (
    "Trading", "Foods", "Hotel", "Supplies", "Mart", "Bakery", "Pharmacy", "Hardware", "Café", "Grocers",
)  # fmt: skip
CHINESE_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
CHINESE_GIVEN = (
    "建国", "秀英", "志强", "丽华", "海燕", "伟", "芳", "娜", "敏", "静",
    "磊", "洋", "勇", "军", "杰", "涛", "明", "超", "霞", "平",
)  # fmt: skip
ENGLISH_FIRST = (
    "James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Chloe",
    "Oliver", "Grace", "Henry", "Lily", "Jack", "Zoe", "Leo", "Ruby", "Adam", "Nora",
)  # fmt: skip
ENGLISH_LAST = (
    "Smith", "Brown", "Wilson", "Taylor", "Chen", "Wong", "Patel", "Lee", "Walker", "Hall",
    "Young", "King", "Wright", "Green", "Baker", "Hill", "Scott", "Adams", "Lewis", "Clarke",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CustomerName:
    """A shop known by its own name, or a buyer known by theirs with the shop as the company."""

    name: str
    company: str | None


class NamePool:
    """Unique customer names drawn without replacement, Chinese or English as asked."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._shops: dict[bool, list[tuple[str, str]]] = {
            True: [(p + t, f"上海{p}{t}有限公司") for p in CHINESE_PREFIXES for t in CHINESE_TRADES],
            False: [(f"{p} {k}", f"{p} {k} Co., Ltd.") for p in ENGLISH_PREFIXES for k in ENGLISH_KINDS],
        }
        self._people: dict[bool, list[str]] = {
            True: [s + g for s in CHINESE_SURNAMES for g in CHINESE_GIVEN],
            False: [f"{f} {last}" for f in ENGLISH_FIRST for last in ENGLISH_LAST],
        }
        for shops in self._shops.values():
            rng.shuffle(shops)
        for people in self._people.values():
            rng.shuffle(people)

    def draw(self, *, chinese: bool) -> CustomerName:
        """A Chinese or English customer (the other kind once one runs out); half are known by a buyer."""
        kind = chinese if self._shops[chinese] else not chinese
        short, company = self._shops[kind].pop()
        if self._rng.random() < 0.5:
            return CustomerName(self._people[kind].pop(), company)
        return CustomerName(short, None)
