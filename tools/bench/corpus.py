"""A realistic, deterministic benchmark corpus built from real paragraphs.

Paragraphs come from the shared corpus of real administrative texts (``../shared/corpus``, or
``$ARCHIVE_CORPUS``), else from the repository's ``documents/``. Each generated document has the
shape of a provincial plan or directive: issuer lines, national motto, ``Số: n/KH-UBND``, place
and date, a type line, a title, legal bases (some citing other generated documents by number),
Roman-numeral sections filled with sampled paragraphs, recipients and a signature block.

Document ``i`` depends only on the seed and ``i`` (not on N), so the first 1,000 documents of the
10k corpus are the 1k corpus.
"""
from __future__ import annotations

import json
import os
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

GENERATOR_VERSION = 1
SHARD = 1000  # documents per sub-folder

REPO = Path(__file__).resolve().parents[2]

# (type line, title word, symbol, weight)
DOC_TYPES = [
    ("KẾ HOẠCH", "Kế hoạch", "KH", 35),
    ("QUYẾT ĐỊNH", "Quyết định", "QĐ", 15),
    ("CHỈ THỊ", "Chỉ thị", "CT", 10),
    ("HƯỚNG DẪN", "Hướng dẫn", "HD", 15),
    ("THÔNG BÁO", "Thông báo", "TB", 10),
    ("BÁO CÁO", "Báo cáo", "BC", 15),
]

PROVINCES = ["Thái Nguyên", "Bắc Kạn", "Bắc Ninh", "Lai Châu", "Ninh Bình", "Hà Giang", "Tuyên Quang",
             "Lạng Sơn", "Cao Bằng", "Phú Thọ", "Quảng Ninh", "Nghệ An", "Thanh Hóa", "Bình Phước",
             "Đồng Nai", "Cần Thơ", "Lâm Đồng", "Đắk Lắk", "Quảng Nam", "Hưng Yên"]
PLACES = {"Bình Phước": "Đồng Xoài", "Đắk Lắk": "Buôn Ma Thuột", "Quảng Ninh": "Hạ Long",
          "Nghệ An": "Vinh", "Lâm Đồng": "Đà Lạt", "Quảng Nam": "Tam Kỳ", "Đồng Nai": "Biên Hòa"}

# (issuer lines template, full name template, organisation code)
ISSUERS = [
    (["ỦY BAN NHÂN DÂN", "TỈNH {P}"], "Ủy ban nhân dân tỉnh {p}", "UBND", 70),
    (["UBND TỈNH {P}", "SỞ NỘI VỤ"], "Sở Nội vụ tỉnh {p}", "SNV", 10),
    (["UBND TỈNH {P}", "SỞ TÀI CHÍNH"], "Sở Tài chính tỉnh {p}", "STC", 10),
    (["TỈNH ỦY {P}", "BAN TUYÊN GIÁO"], "Ban Tuyên giáo Tỉnh ủy {p}", "BTGTU", 10),
]

TOPICS = [
    "triển khai chuyển đổi số trong cơ quan nhà nước", "số hóa tài liệu lưu trữ",
    "cải cách hành chính", "phòng, chống thiên tai và tìm kiếm cứu nạn",
    "thu hút đầu tư phát triển công nghiệp", "phát triển kinh tế tập thể, hợp tác xã",
    "bảo đảm trật tự an toàn giao thông", "phòng, chống dịch bệnh truyền nhiễm",
    "xây dựng nông thôn mới", "quản lý, sử dụng tài sản công",
    "thực hành tiết kiệm, chống lãng phí", "đào tạo, bồi dưỡng cán bộ, công chức",
    "tuyên truyền, phổ biến, giáo dục pháp luật", "bảo vệ môi trường và ứng phó với biến đổi khí hậu",
    "phát triển du lịch", "đầu tư công trung hạn", "giải quyết thủ tục hành chính trên môi trường điện tử",
    "công tác văn thư, lưu trữ", "bảo đảm an toàn thông tin mạng", "phát triển nguồn nhân lực",
]
CONTENT_HEADINGS = [
    "Tuyên truyền, nâng cao nhận thức", "Hoàn thiện thể chế, chính sách", "Phát triển hạ tầng số",
    "Ứng dụng công nghệ thông tin", "Đào tạo, bồi dưỡng nguồn nhân lực", "Kiểm tra, giám sát",
    "Huy động nguồn lực đầu tư", "Cải cách thủ tục hành chính", "Nhiệm vụ trọng tâm",
    "Giải pháp thực hiện", "Phối hợp giữa các cơ quan, đơn vị",
]
AGENCIES = ["Sở Nội vụ", "Sở Tài chính", "Sở Khoa học và Công nghệ", "Sở Kế hoạch và Đầu tư",
            "Sở Tư pháp", "Văn phòng Ủy ban nhân dân tỉnh", "Ủy ban nhân dân các huyện, thành phố",
            "Sở Giáo dục và Đào tạo", "Công an tỉnh", "Sở Y tế"]
SIGNERS = ["Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Quang Minh", "Phạm Văn Thịnh", "Hoàng Thị Hà",
           "Đỗ Mạnh Cường", "Vũ Đức Thắng", "Bùi Thị Thu Hằng", "Đặng Văn Long", "Ngô Thị Mai"]
IMPLEMENTATION_WORDS = ("chủ trì", "phối hợp", "kinh phí", "trách nhiệm", "tổ chức thực hiện", "báo cáo")

_ENUM = re.compile(r"^\s*(?:(?:Điều|Chương|Mục|Phần)\s+[0-9IVXLC]+\.?|[IVXLC]+\.|\d+(?:\.\d+)*[.)]?|"
                   r"[a-zđ][).]|[-+•*–])\s+", re.IGNORECASE)
_JUNK = re.compile(r"https?:|www\.|/upload|\.jpg|\.png|THƯ VIỆN PHÁP LUẬT|thuvienphapluat|copyright|"
                   r"Đang tải|Click|Nơi nhận|TM\.|KT\.|\|", re.IGNORECASE)


@dataclass
class Meta:
    i: int
    number: str
    symbol: str
    type_line: str
    type_word: str
    issuer_lines: list[str]
    issuer: str
    place: str
    day: int
    month: int
    year: int
    topic: str


def default_corpus_dir() -> Path:
    env = os.environ.get("ARCHIVE_CORPUS")
    if env:
        return Path(env)
    shared = REPO.parent / "shared" / "corpus"
    return shared if shared.is_dir() else REPO / "documents"


def _source_files(root: Path) -> list[Path]:
    files = []
    for p in sorted(root.rglob("*")):
        if p.suffix.lower() in (".txt", ".md") and p.is_file() and p.name != "SOURCES.md" \
                and "nondoc" not in p.parts:
            files.append(p)
    return files


def _clean(line: str) -> str:
    line = unicodedata.normalize("NFC", line)
    line = line.replace("**", "").replace("\t", " ").strip().strip("*_#>").strip()
    return re.sub(r"\s+", " ", line)


def paragraphs(root: Path) -> list[str]:
    """Real prose paragraphs (hard-wrapped lines joined, numbering stripped), deduplicated."""
    seen: set[str] = set()
    out: list[str] = []
    for path in _source_files(root):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        buf: list[str] = []

        def flush() -> None:
            if not buf:
                return
            para = " ".join(buf)
            buf.clear()
            para = _ENUM.sub("", para).strip()
            para = re.sub(r"^\(\w{1,3}\)\s*", "", para)
            if not (para[:1].isupper() and para.endswith((".", ";"))):
                return
            if not (80 <= len(para) <= 450) or "\ufffd" in para or _JUNK.search(para):
                return
            letters = sum(c.isalpha() or c.isspace() for c in para)
            if letters < 0.85 * len(para) or para.upper() == para:
                return
            if not any(ord(c) > 127 for c in para):  # Vietnamese prose only
                return
            if para not in seen:
                seen.add(para)
                out.append(para)

        for raw in text.splitlines():
            line = _clean(raw)
            if not line:
                flush()
                continue
            if buf and _ENUM.match(line):
                flush()
            buf.append(line)
            if line.endswith((".", ";", ":", "./.")):
                flush()
        flush()
    return out


def _weighted(rng: random.Random, items):
    return rng.choices(items, weights=[it[-1] for it in items])[0]


def meta(seed: int, i: int) -> Meta:
    rng = random.Random(f"meta-{seed}-{i}")
    type_line, type_word, code, _w = _weighted(rng, DOC_TYPES)
    lines_t, full_t, org, _w = _weighted(rng, ISSUERS)
    prov = rng.choice(PROVINCES)
    year = rng.choices([2020, 2021, 2022, 2023, 2024, 2025], weights=[1, 1, 2, 2, 3, 2])[0]
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    n = i + 1
    symbol = f"{code}-{org}"
    return Meta(i=i, number=f"{n}/{symbol}", symbol=symbol, type_line=type_line, type_word=type_word,
                issuer_lines=[t.format(P=prov.upper()) for t in lines_t], issuer=full_t.format(p=prov),
                place=PLACES.get(prov, prov), day=day, month=month, year=year, topic=rng.choice(TOPICS))


def document(seed: int, i: int, pool: list[str], impl_pool: list[str]) -> tuple[str, Meta, list[int]]:
    """The text of document ``i``, its metadata and the indexes of the documents it cites."""
    m = meta(seed, i)
    rng = random.Random(f"doc-{seed}-{i}")
    target = rng.randint(3000, 4200)  # UTF-8 bytes
    lines = [*m.issuer_lines, "-------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
             "---------------", f"Số: {m.number}", f"{m.place}, ngày {m.day} tháng {m.month} năm {m.year}", "",
             m.type_line, f"{m.topic[0].upper()}{m.topic[1:]} năm {m.year}", ""]
    cites: list[int] = []
    if i > 0 and rng.random() < 0.4:
        for j in sorted({rng.randrange(i) for _ in range(rng.randint(1, 2))}):
            c = meta(seed, j)
            cites.append(j)
            lines.append(f"Căn cứ {c.type_word} số {c.number} ngày {c.day} tháng {c.month} năm {c.year} "
                         f"của {c.issuer} về {c.topic};")
    lines.append(f"{m.issuer} ban hành {m.type_word} về {m.topic} năm {m.year} như sau:")
    lines.append("")

    def size() -> int:
        return sum(len(x.encode("utf-8")) + 1 for x in lines)

    budget = max(600, target - size() - 700)  # what the three sections share
    purpose_end = size() + budget * 0.25
    content_end = size() + budget * 0.7
    lines += ["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", rng.choice(pool), "2. Yêu cầu", rng.choice(pool)]
    while size() < purpose_end:
        lines.append(f"- {rng.choice(pool)}")
    lines += ["", "II. NỘI DUNG"]
    k = 1
    while size() < content_end or k < 2:
        lines += [f"{k}. {rng.choice(CONTENT_HEADINGS)}", rng.choice(pool)]
        k += 1
    lines += ["", "III. TỔ CHỨC THỰC HIỆN"]
    k = 1
    while size() < target - 350 or k < 2:
        lines += [f"{k}. {rng.choice(AGENCIES)}", rng.choice(impl_pool if rng.random() < 0.6 else pool)]
        k += 1
    lines += ["", "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, các cơ quan, đơn vị phản ánh về "
              f"{rng.choice(AGENCIES)} để tổng hợp, báo cáo {m.issuer} xem xét, giải quyết./.", "",
              "Nơi nhận:", "- Như mục III;", "- Thường trực Tỉnh ủy (b/c);", "- Các sở, ban, ngành;",
              "- Lưu: VT.", "", "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "",
              rng.choice(SIGNERS), ""]
    return "\n".join(lines), m, cites


def build(out: Path, n: int, source: Path, seed: int = 20240315, log=lambda *_: None) -> dict:
    """Write N documents into ``out/docs-N/NNN/`` and hard links of them into ``out/flat-N/``.

    Returns the manifest (also written to ``out/docs-N.json``); an existing corpus with the same
    manifest parameters is reused.
    """
    docs_dir, flat_dir, man_path = out / f"docs-{n}", out / f"flat-{n}", out / f"docs-{n}.json"
    params = {"n": n, "seed": seed, "generator": GENERATOR_VERSION, "source": str(source)}
    if man_path.exists():
        try:
            manifest = json.loads(man_path.read_text(encoding="utf-8"))
            if manifest.get("params") == params and docs_dir.is_dir() and flat_dir.is_dir():
                log(f"corpus {n}: reusing {docs_dir}")
                return manifest
        except ValueError:
            pass
    import shutil

    for d in (docs_dir, flat_dir):
        if d.exists():
            shutil.rmtree(d)
    pool = paragraphs(source)
    if len(pool) < 20:
        raise SystemExit(f"too few paragraphs ({len(pool)}) in {source}")
    impl_pool = [p for p in pool if any(w in p.lower() for w in IMPLEMENTATION_WORDS)] or pool
    log(f"corpus {n}: {len(pool)} paragraphs from {source}; writing {docs_dir}")
    flat_dir.mkdir(parents=True)
    total_bytes = 0
    types: dict[str, int] = {}
    cited_by: dict[int, int] = {}
    for i in range(n):
        text, m, cites = document(seed, i, pool, impl_pool)
        shard = docs_dir / f"{i // SHARD:03d}"
        if i % SHARD == 0:
            shard.mkdir(parents=True, exist_ok=True)
        name = f"{m.symbol.split('-')[0].lower().replace('đ', 'd')}-{i + 1:06d}.txt"
        data = text.encode("utf-8")
        (shard / name).write_bytes(data)
        try:
            os.link(shard / name, flat_dir / name)
        except OSError:
            (flat_dir / name).write_bytes(data)
        total_bytes += len(data)
        types[m.symbol.split("-")[0]] = types.get(m.symbol.split("-")[0], 0) + 1
        for j in cites:
            cited_by[j] = cited_by.get(j, 0) + 1
        if (i + 1) % 10000 == 0:
            log(f"corpus {n}: {i + 1} documents")
    # a plan number that exists and is cited by other documents, for the `number` query
    def plan_ubnd(j: int) -> bool:
        return meta(seed, j).symbol == "KH-UBND"

    cited_plans = [j for j in sorted(cited_by) if j >= min(9, n // 2) and plan_ubnd(j)]
    plans = [j for j in range(n) if plan_ubnd(j)]
    pick = (cited_plans or plans or [0])[0]
    manifest = {"params": params, "documents": n, "raw_bytes": total_bytes, "paragraph_pool": len(pool),
                "types": types, "citing_documents": sum(cited_by.values()),
                "number_query": meta(seed, pick).number, "number_query_cited_by": cited_by.get(pick, 0)}
    man_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest
