"""Chinese policy-style text of any size, for the memory benchmark: sentences built from
templates with actors, policies, dates, goals and figures, among plain filler sentences."""

from __future__ import annotations

import random

ACTORS = ["国务院", "工业和信息化部", "财政部", "国家发展和改革委员会", "科学技术部", "商务部", "中国人民银行",
          "德国联邦经济和能源部", "德国联邦教育和研究部", "国家市场监督管理总局", "生态环境部", "教育部"]
TOPICS = ["智能制造", "绿色制造", "工业互联网", "新能源汽车", "集成电路", "高端装备", "服务型制造", "质量品牌",
          "中小企业", "人工智能", "机器人产业", "新材料", "数字经济", "技术改造", "标准化"]
KINDS = ["指导意见", "实施方案", "行动计划", "管理办法", "发展规划", "若干措施"]
VERBS = ["印发了", "发布了", "修订了", "联合发布了", "制定了", "签署了"]
FILLER = ["这一政策的实施取得了积极成效", "各地区各部门认真贯彻落实", "企业的创新能力不断增强", "产业结构持续优化升级",
          "有关工作正在有序推进", "相关配套政策陆续出台", "市场主体活力进一步激发", "国际合作不断深化"]


def chinese_text(megabytes: float, seed: int = 7) -> str:
    """About ``megabytes`` MB of UTF-8 Chinese text, paragraphs of a few sentences."""
    rng = random.Random(seed)
    target = int(megabytes * 1024 * 1024)
    parts: list[str] = []
    size = 0
    while size < target:
        sentences = []
        for _ in range(rng.randint(2, 6)):
            if rng.random() < 0.35:
                actor = rng.choice(ACTORS)
                other = rng.choice(ACTORS)
                year, month = rng.randint(2010, 2025), rng.randint(1, 12)
                title = f"《关于推进{rng.choice(TOPICS)}发展的{rng.choice(KINDS)}》"
                sentences.append(rng.choice([
                    f"{year}年{month}月，{actor}{rng.choice(VERBS)}{title}",
                    f"{actor}和{other}共同{rng.choice(VERBS)}{title}，提出推动{rng.choice(TOPICS)}",
                    f"{year}年，{rng.choice(TOPICS)}产业增长了{rng.randint(1, 30)}.{rng.randint(0, 9)}%",
                ]))
            else:
                sentences.append(rng.choice(FILLER) + "，" + rng.choice(FILLER))
        paragraph = "。".join(sentences) + "。\n\n"
        parts.append(paragraph)
        size += len(paragraph.encode("utf-8"))
    return "".join(parts)
