"""The slots of a task sentence: who is assigned, what to do, by when; the sentence is known to give a task.

Whether a sentence gives a task is the classifier's call (`minutes.classifier`); this module only reads it.
A sentence may give several ("Phòng A công bố …, còn Phòng B phối hợp …"): it is cut into clauses at ";",
"còn", "đồng thời", "và" before a new party. In each clause the assignee is the party the order is given
to: after "giao", "đề nghị", "yêu cầu", "chỉ đạo" (a body said before them gives the order: "Hội đồng quản trị
thống nhất giao Ban Tổng Giám đốc …"), else the clause's subject, which may follow its topic
("Hồ sơ quá hạn thì anh Bằng …", "Còn việc bác sĩ, anh Hải …"). The subject ends at its first verb, as
pyvi's part-of-speech tagger finds it (a word right after the head of a body's name is part of the name:
"Ban quản lý dự án", "Bộ Chỉ huy Quân sự"), or at a comma before an apposition ("Anh Tịnh, Giám đốc Sở
Tư pháp, …"). A person called by given name and title ("anh Chiến", "chị hương") is written with the
full name of the attendee it ends, when exactly one does, else without honorific and title ("Cô Lan thủ quỹ" ->
"Lan"; a birth-order name keeps it: "chú Ba").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pyvi import ViPosTagger, ViTokenizer

from core.text import nfc
from minutes.cues import TASK_VERB, Deadline, find_deadline, find_vote, fold

_HEADS = (
    "sở|ban|phòng|văn phòng|ủy ban|ubnd|công an|thường trực|các|chi cục|cục|trung tâm|thanh tra|tổ|hội đồng"
    "|bộ|trường|khoa|bộ phận|vụ|chính phủ|công đoàn|đoàn|hội|huyện|xã|thôn|bản|lãnh đạo|chủ tịch|giám đốc"
    "|chánh|chi bộ|ngành|trưởng|phó|kế toán|thủ quỹ|bí thư|hiệu trưởng|thư ký|đội|nhóm|khối|chi đoàn|chi hội"
    "|hợp tác xã|nhà thầu|đơn vị|công ty|ngân hàng|chi nhánh|bệnh viện|trạm|điện lực|đồn|mặt trận"
    "|đài truyền thanh|đài phát thanh|nhà trường|phân xưởng|xưởng|xí nghiệp|thư viện|quỹ"
    "|viện|tổng thư ký|tổng cục|tổng công ty|tổng giám đốc|chủ nhiệm|công chức|khu phố|bảo hiểm xã hội|kho bạc|tòa án"
    "|chi ủy|đảng ủy|đảng bộ|huyện ủy|tỉnh ủy|thành ủy|tỉnh đoàn|thành đoàn|huyện đoàn|quận đoàn|tỉnh hội"
    "|quản lý thị trường|tư vấn giám sát|đơn vị tư vấn|câu lạc bộ"
)
"""Words a body's name starts with (lower case, with diacritics: "bà" is a person, "ba" a number): the bodies and
offices of state, party, mass and company organisation, and a commune's civil servants ("công chức")."""
_HEAD_WORDS = frozenset(_HEADS.replace("|", " ").split())
_HEAD_SET = frozenset(_HEADS.split("|"))
_HONORIFICS = "đồng chí|hiền huynh|hiền tỷ|hiền muội|hiền đệ|anh|chị|ông|bà|thầy|cô|em|bác|chú|dì|cậu|đại biểu|o"
"""Honorifics a person is called by; "o", the Central one for a woman ("o mận làm tờ trình …"); "hiền huynh", "hiền tỷ",
the Caodai faithful's ("Hiền huynh Cơ ký hợp đồng …")."""
_HONORIFIC_WORDS = frozenset(_HONORIFICS.split("|"))
_PARTY = re.compile(rf"(?<!cán )(?<!\w)(?:{_HONORIFICS}|{_HEADS})\b")
"""Where a party may begin: at a word ("cán bộ" is a person, not "Bộ …"; "công tác" holds no "ông")."""
_HONORIFIC = re.compile(rf"^(?:{_HONORIFICS})\s+", re.IGNORECASE)
_ORDER_WORDS = (
    r"(?:^|[\s,:;])(?:giao|phân công|đề nghị|yêu cầu|chỉ đạo|nhờ|cử)"
    r"(?: cho| việc| nhiệm vụ| thế này| như sau| cụ thể| luôn| nha| nhé)*[:,]? "
    # spoken: "giao luôn nha phòng tài nguyên …"; "giao việc chị Cúc …", "giao nhiệm vụ cho anh Hải …"
)
_ORDER_ANY = re.compile(_ORDER_WORDS)
_ORDER = re.compile(
    rf"{_ORDER_WORDS}(?=(?:{_HONORIFICS}|{_HEADS})\b)"
    r"(?!ban (?:tháng|tuần|quý|định kỳ|hằng|sáng|chiều|đầu|cuối)\b)"  # "họp giao ban tháng 8" is a meeting
)
_INVITE = re.compile(r"(?:^|[\s,:])mời\b")
"""Giving the floor ("Mời đồng chí Hải, Chủ tịch …, trình bày"): procedure."""
_BEFORE_VERB = "thì|sẽ|phải|cần|cũng|hãy|nên|cứ|vẫn|đều"
"""Particles between a party and its verb ("còn hậu thì làm …", "chị Hân cứ làm việc trước với …"): neither the party's
name nor the action; nor is "cùng" after two parties ("Trạm y tế và Hội Phụ nữ cùng vận động …": `_TRAILING`)."""
_TRAILING = re.compile(rf"(?:\s+(?:{_BEFORE_VERB}|cùng))+$", re.IGNORECASE)
_OWN = re.compile(r"^(?:(?:dạ|vâng|ừ|thưa)[,\s]+)*(?P<who>tôi|tui|chúng tôi|em|chúng em)\b")
"""The speaker about their own work ("Tôi, Bế Thị Quyên, Giám đốc, chủ trì …", "tôi với anh Tài đi"): no task."""
_SPEAKER_AFTER_TOPIC = re.compile(r", (?:tôi|chúng tôi)\b")
"""The speaker as the subject after a topic ("Hôm nay phòng giao ban tháng 11, tôi …, Trưởng phòng, chủ trì"); a party
before it keeps its order ("…, Văn phòng hoàn thiện hồ sơ, tôi ký tờ trình, …")."""
_SPEAKER_GIVES = re.compile(r"(?<!\w)(?:tôi|chúng tôi|mình)\s*$")
"""The speaker right before an order's verb ("…, tôi nhờ chi hội phụ nữ …"): the speaker gives it, so a party said
before is its topic ("Vệ sinh môi trường …"), not whoever directs the party after."""
_EVERYONE = re.compile(r"(?:cac|toan the|tat ca)(?: cac)? (?:dong chi|vi|dai bieu|anh chi|thanh vien|ban)\b")
"""Everyone addressed ("các đồng chí nghiêm túc thực hiện"): an exhortation, no task."""
_ALL_OF_US = re.compile(
    r"^(?:(?:các|toàn thể|tất cả(?: các)?|mọi) (?:anh|chị|cô|thầy|bác|chú|em|ông|bà|người)|(?:toàn thể )?bà con)\b"
)
"""Everyone addressed by honorific ("các cô nhớ …", "mọi người chú ý …", "đề nghị bà con trật tự"), with diacritics:
"các chi hội" is a body."""
_ROLL = re.compile(r"^(?:xin gioi thieu )?(?:tham du|co mat)\b")
"""Who is present ("Tham dự phiên họp có đồng chí Sơn, Phó Tổng Thanh tra …, đại diện cơ quan chủ trì soạn thảo"): the
roll, no order, whatever the titles in it say."""
_SETUP = re.compile(
    rf"{_ROLL.pattern}|^(?:ve phia|(?:tham )?du)\b[^.;:]{{0,40}}? co\b"
    r"|\bco mat (?:du|day du|\d)|\bvang co ly do\b|\bxin vang\b"
    r"|(?:^|\b(?:nguoi|thanh vien)(?: \w+){0,4} )co (?:dong chi|anh|chi|ong|ba|thay|co)\b"
    r"|\b(?:hom nay|hom ni|bua nay),? (?:la )?ngay\b|\b(?:tuyen bo|xin) (?:khai mac|bat dau)\b"
    r"|\b(?:(?:buoi|cuoc|phien) (?:hop|lam viec|tiep)|hoi nghi|ky hop)(?: \w+){0,3} (?:gom|co)"
    r" (?:hai|ba|bon|nam|\d+) (?:phan|noi dung)\b"
)
"""The meeting set up: the roll ("Tham dự phiên họp có đồng chí Sơn, Phó Tổng Thanh tra …", "Về phía Đoàn có tôi, …",
"có mặt 17 trên 19 thành viên; vắng có lý do đồng chí …", "bà Vân … xin vắng"; "Có chị Vân, …; anh Thọ, …, làm thư ký",
"đủ chín người trong hội đồng có thầy Lành …": "có" before a person, said first or after the members counted, names
who is there), the opening ("Hôm nay, ngày 24 tháng 6 năm 2025, Hội đồng … họp để …", "tôi xin khai mạc phiên họp …")
and the agenda ("Buổi làm việc gồm hai phần: phần một, xã báo cáo; …"): procedure, no order, whatever the names and
verbs in it say."""
_REQUEST = re.compile(
    r"^(?:(?:thua|kinh thua|da)\b[^,.:]*[,.:]\s*)*(?:\w+ )?(?:toi|chung toi|chung em)(?: cung| xin)?"
    r" (?:de nghi|kien nghi)\b"
)
"""The speaker's own request opening the sentence ("Tôi đề nghị Chính phủ cần có giải pháp …", "Thưa thầy Hiệu
trưởng, tổ chúng tôi đề nghị nhà trường …"): what a member asks of a body, not an order the meeting gives, unless it
names a person or a deadline ("Tôi đề nghị đồng chí Xuân hoàn thiện hồ sơ …, nộp … trước ngày 20/3")."""
_SUGGESTS = re.compile(r"^(?:nen|can|xem xet|quan tam|co y kien|som)\b")
"""What a request asks a body to consider ("… đề nghị đoàn nên xem xét lại …"): a member's, whatever date it says."""
_SPEAKS_FOR = re.compile(r"^xin (?:tiep thu|nhan|bao cao|hua|cam ket|tra loi|giai trinh)\b")
"""A party "xin tiếp thu", "xin nhận", "xin báo cáo": the speaker answering for their own body, a promise or a
report."""
_SUMMARY = re.compile(r"^(?:toi )?(?:tom lai|chot lai|tom tat|noi chung)\b")
"""The chair summing up ("Chốt lại: …", "tóm lại đoàn phải xong …"): a conclusion of the meeting, not an order."""
_TOPIC_END = re.compile(r",?\s+(?:thì(?: là| để)?|để)\s+|,\s+|:\s+")
"""Where a topic said first ends and the party begins ("Ngày hội, chị Ngân …", "Lễ hội để phòng văn hóa …", "Vụ …
phức tạp, để anh Dũng chủ tọa …"; spoken, with the filler "là": "vụ xe cát thì là công an xã …")."""
_WHO_DOES = re.compile(r"\b(?:người (?:làm|phụ trách|chịu trách nhiệm|thực hiện|lo)|đầu mối) là\s+")
"""Who does the work said as "người làm là …", "đầu mối là …" ("hồ sơ kiểm kê thì người làm là anh Mạnh, hạn cuối …"):
the party follows, as a subject does after a topic."""
_RESUMED = re.compile(r"\b(?:cái|việc|vụ|chuyện) (?:này|đó|ấy|ni|nớ|nọ)\s+")
"""What was just said taken up again as the topic ("…, cái này kế toán làm …", Central "cái nớ thôn … liên hệ …"): the
subject follows it."""
_THIS_ONE = re.compile(
    r"(?<=\w )(?<!hôm )(?<!lúc )(?<!khi )(?<!bữa )(?<!hồi )(?<!dạo )(?:này|đó|ni|nớ)\s+(?=(?:em|anh|chị)\s+\w)"
)
"""A thing just talked about, then "em"/"anh"/"chị", "you", as the subject ("báo cáo đó em gửi sở …"): the topic said
again, the one addressed is the party (but "hôm đó anh …" is a time; "hồng này em …" calls Hồng)."""
_CLAUSES = re.compile(
    rf";\s+|(?<!\bhợp)(?<!\bhội)(?<!\bcộng),?\s+đồng thời\s+|,?\s+(?:và|còn)\s+(?=(?:{_HONORIFICS}|{_HEADS})\b)"
    rf"|,?\s+(?:còn|riêng)\s+(?=(?:(?!còn\b)[^\W\d_]+\s+){{1,6}}thì\s+(?:(?:giao|nhờ|đề nghị|yêu cầu)\s+(?:cho\s+)?)?"
    rf"(?:{_HONORIFICS}|{_HEADS})\b)"
)
"""Where a second order begins: ";", "đồng thời" (not the words "hợp đồng", "hội đồng" before "thời vụ"), "và"/"còn"
before a party, "còn <its topic> thì <party>" ("hên lo báo bà con còn vật tư bao cát thì anh tư lộc chở ra", "… còn loa
đài thì nhờ đài truyền thanh huyện …"), "riêng" too ("…, riêng chung cư Hòa Bình thì anh Phong qua làm việc")."""
_LEAD = re.compile(
    r"^(?:(?:về triển khai|phân công như sau|cụ thể)\s*:?\s*|còn\s+|thì\s+|và\s+|đồng thời\s+"
    r"|(?:tốt|được|ừ|ờ|vâng|rồi|thôi|ok|rứa|vậy)(?:[,.!]\s*|\s+))+"
)
"""Words before a clause's subject: a link ("còn", "đồng thời") or the chair's reply to what was just said ("tốt hội
nông dân làm tiếp …", unpunctuated), or "so" leading to the order ("rứa mỗi trưởng thôn …", Central; "vậy anh …")."""
_PROCEDURAL = re.compile(
    r"^(?:tra loi|phat bieu|trinh bay|giai trinh|lam ro|cho y kien|cho biet|doc|tom tat|noi(?! voi)|diem qua"
    r"|len(?! (?:danh sach|ke hoach|lich|phuong an|du toan))"  # "lên danh sách": drawing one up, an order
    r"|bao cao (?:tom tat|ngan|nhanh|ket qua|tinh hinh|truoc|qua|di|luon|tiep)"
    r"|xin (?:phep|khai mac|be mac|ket thuc|cam on|bao cao|ket luan)|(?:phat|thu|kiem) phieu|(?:tam )?ra ngoai)\b"
)
"""Asked to speak or present now ("anh Lộc báo cáo đi"), to hand out or count the ballots or leave the room for a vote
("Đề nghị ông Huy ra ngoài để Hội đồng bỏ phiếu kín"), or the speaker's own formula ("…, Chủ tịch Hội, xin khai mạc hội
nghị"): procedure, not a task (unless a deadline says otherwise). "nói với đội Y tổ chức …" passes an order on: a
task to the one told to pass it."""
_ASKED_NOW = re.compile(
    r"\b(?:noi (?:qua|truoc|luon|ro|them|ve)|cho biet|diem qua|trinh bay|phat bieu|bao cao (?:tom tat|nhanh))\b"
)
"""Asked to speak now, said before what pyvi tags the verb ("cô nga phó hiệu trưởng nói qua tình hình tuyển sinh": after
a title, "nói" was read as part of it; "chị dung tín dụng nói về nợ quá hạn": within three words of the verb pyvi
found): procedure, as `_PROCEDURAL`."""
_MEETING = re.compile(r"(?:cuoc |buoi )?(?:hoi nghi|cuoc hop|phien hop|ky hop|buoi hop|phien hoi nghi)\b")
"""The meeting itself ("Hội nghị kết thúc", "Hội nghị hôm nay có hai nội dung"): never the party given an order."""
_OURS = re.compile(r"(?<!\w)(?:mình|chúng ta)$")
"""The speakers' own side ("xã mình", "hội chúng ta"): what all of us should do, an exhortation, not an order (with
diacritics: "thầy Minh" is a person)."""
_POINT = re.compile(
    r"(?:(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười) là|thứ (?:nhất|hai|ba|tư|năm|sáu|bảy|tám|chín|mười))[,:]?\s+"
    r"(?!(?:tuần )?(?:này|sau|tới|ni)\b)",  # "Thứ hai tuần sau, chị Lài nộp …": a day, no point
    re.IGNORECASE,
)
"""The number of a point the chair lists ("ba là hòa tổng hợp …", "Thứ ba, Văn phòng …"): no part of the order."""
_GROUP = re.compile(rf"(?<!\w)(?:mỗi|từng|mấy|những)\s+(?=(?:thầy cô|cô thầy|{_HEADS})\b)")
"""A group of office holders or bodies as the subject ("mỗi trưởng thôn lập danh sách …", "mấy thầy cô chủ nhiệm gọi
điện …"): each of them is given the order, the group as called is the party, not the one person introduced with that
title (not "mỗi anh", "mỗi người": everyone). "thầy cô" is the teachers, no honorific before a name: the party keeps
it ("thầy cô chủ nhiệm")."""
_TEACHERS = re.compile(r"(?:thầy cô|cô thầy)\b", re.IGNORECASE)
_SOMEONE = re.compile(r"(?<!muoi )\b(?:mot|moi|tung|\d+)$")
"""A quantifier before a person ("cử một đồng chí", "mỗi anh", "từng chị", "điều 2 đồng chí"): someone unnamed, the
object of the order, not a party (but "ngày mười một anh Bình …" is a date)."""
_DECIDES = re.compile(
    r"(?<!\w)(?:thống nhất|nhất trí|tán thành|đồng ý|biểu quyết|ghi nhận|đánh giá|bầu|cơ bản|đã|đang|vừa"
    r"|ghi biên bản|giơ tay|vắng|có (?:lý do|lí do|mặt)|phấn đấu)(?!\w)"
)
"""The meeting agreeing, voting, recalling or setting a target ("Chi bộ thống nhất ba giải pháp", "Ủy ban đã giao …",
"Chi cục phấn đấu thu đạt 100% dự toán"), or who is present ("vắng đồng chí Chảo có lý do"): a conclusion, a report
or the roll, not an order to a party. Matched with the tone marks (`_decides`): folded, "đã" is also the "Đa" of
"Bệnh viện Đa khoa", "đang" the surname Đặng and the "đăng" of "đăng ký", "vắng" the surname Vàng."""
_DECIDES_FOLDED = re.compile(fold(_DECIDES.pattern))
"""`_DECIDES` for a transcript written without tone marks."""
_ALIAS = re.compile(r"[^,.;:]{1,40}?\s(?:tức là|tức|nghĩa là|cụ thể là)\s+")
"""A party said again in other words ("bộ phận ngân sách tức là anh Khải", "bên em, cụ thể là tổ kỹ thuật"): the second,
more exact, is the one given the order."""
_OPINION = re.compile(r"(?:thấy|nghĩ|thiết nghĩ|cho rằng|cho là|e rằng|e là|tưởng)\b")
"""Verbs of opinion: a party followed by one says what it thinks ("em thấy không cần biểu quyết", "tôi nghĩ …"), no
order is given to it."""
_REPORTED = re.compile(
    r"(?:(?:vừa|đã|có|mới)\s+)?(?:nêu|nói|đề xuất|góp ý|phản ánh|kiến nghị|đề cập|nhắc)"
    r"(?:\s+(?:ra|đến|tới|lúc nãy|hồi nãy))?\s*(?:[,;.]|$)"
)
"""A verb of saying with nothing after it ("khoản máy hút ẩm anh Dũng nêu, gửi …", "việc chị Lan vừa nói"): the person
is who raised what the order is about, not the party given it."""
_PARTICLES = re.compile(rf"^(?:(?:{_BEFORE_VERB})\s+)+", re.IGNORECASE)
_PARTICLES_ONLY = re.compile(r"(?:(?:nhé|nhá|nha|nhe|nhỉ|đi|ạ|luôn|thôi)\W*)*", re.IGNORECASE)
"""An action of sentence-final particles alone ("… gửi tổ đại biểu chậm nhất thứ sáu tuần này nhé"): no order, the
"party" was an object."""
_NUMBER_NAMES = frozenset(["một", "hai", "ba", "bốn", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười"])
_NOT_A_PARTY_AFTER = frozenset(
    [
        "cua",
        "voi",
        "cung",
        "gap",
        "toi",
        "minh",
        "la",
        "em",
        "kien",
        "y",
        "hop",
        "ho",
        "dinh",
        "on",
        "chuyen",
        "viec",
        "kip",
        "nhu",
        "theo",
    ]
)
"""Words after which a person is an object, a possessor or the speaker ("ý kiến của cô mơ", "Ý kiến chị Ánh hay", "Ý
chị Mỹ đúng", "tôi với anh tài đi", "tôi là bế văn khải"; "trường hợp ông phẳng", "hộ ông sính", "gia đình bà Lan",
"phối hợp anh Dũng"; thanked: "cảm ơn đồng chí Kiên mời chị Hạnh …"; the topic: "Chuyện ông Lợi thì …"; a purpose:
"cho kịp bà Bông làm rẫy"; what someone said: "như anh Đạt nói", "theo chị Hà"), not the party given an order."""
_NOT_A_NAME_AFTER = _NOT_A_PARTY_AFTER | frozenset(
    [
        "ngay",
        "sang",
        "chieu",
        "thang",
        "thu",
        "nam",
        "mung",
        "muoi",
        "mot",
        "hai",
        "ba",
        "bon",
        "tu",
        "lam",
        "sau",
        "bay",
        "tam",
        "chin",
        "tram",
        "nghin",
        "linh",
        "le",
        "va",
        "cho",
        "moi",
        "cac",
        "nhung",
    ]
)
"""Words after which a given name alone is also a number or a date ("ngày mười sáu", "thứ năm", "chiều mai")."""
_GIVEN_TO = re.compile(r"\b(?:giao|phan cong|nho|cu) cho\s*$")
"""An order's verb and "cho" right before a person: a given name after it is the party, not a number."""
_COLLECTIVE = re.compile(r"(?:anh|chị) (?:em|chị)\b|bà con\b|cô (?:chú|bác)\b|ông bà\b")
"""Everyone of a kind ("gọi điện cho từng chị em"): no person."""
_COMPANION = re.compile(rf"\s+(?:cùng với|cùng|với)\s+(?=(?:mấy |các |những )?(?:{_HONORIFICS}|{_HEADS})\b)")
"""A companion after the party ("công an xã cùng với tổ an ninh thôn …"): the order is the first party's, the companion
part of what it does (one action to two parties is one task to the first)."""
_OBLIGED = re.compile(r"[^,.;:]{0,40}?\b(?:phải|cần|chịu trách nhiệm|có trách nhiệm)\b")
"""What a party said anywhere in unpunctuated speech is obliged to do ("vẫn giữ mốc đó nhà thầu phải tăng ca …")."""


_HIGHLAND = re.compile(r"(?:y|a|ama|ami)\s+\w", re.IGNORECASE)
"""The first word of a Central Highlands name ("Y Khuyên", "A Blưk", "Ama Kim", "Y Thông Adrơng"): its bearer is called
by it and the next word, the given name ("anh y thông"), a name of two words in full."""

_BORN = "hai|ba|tư|năm|sáu|bảy|tám|chín|mười|út"
"""A Southern birth-order name said between the honorific and the given name ("chị năm Diệu", "anh tư Lộc")."""


_IN_A_PLACE = re.compile(r"(?<=[^\W\d_] )[A-ZĐÀ-Ỹ][^\W\d_]* $")
"""A capitalised word right before a given name, after another word: the given name ends a place's or a body's name
("chợ Châu Bình", "xã Tân Hòa"), no person's."""
_PLACE_SAID = re.compile(rf"(?:^|\W)(?:{_HONORIFICS}|{'|'.join(w.capitalize() for w in _HONORIFICS.split('|'))}) \S+ $")
"""An honorific two words before: "anh Năm Hòa", a Southern birth-order name, not a place."""


@dataclass(frozen=True)
class _Present:
    """Those present as an order may call them: by full name or by given name, after an honorific or alone ("Mai
    lên gặp Hội Cựu chiến binh", "lâm liên hệ lại bệnh viện"). A given name alone counts only where it is a word of
    its own to pyvi ("đồng chí", "nghị quyết", "sinh hoạt" hold no name), capitalised in cased text, not a number,
    and only for names of three words (a longer or shorter run read as a name may be none: "tài lo sân bãi"); a name of
    four words (Southern, Central and Khmer names: "Lữ Thị Mỹ Duyên", "Thạch Thị Sô Phia") by full name or by honorific
    and given name, of one word or two ("chị Duyên", "chị sô phia", "chị chanh đa")."""

    pattern: re.Pattern[str]
    given: frozenset[str]
    capitalised: frozenset[str] = frozenset()
    """Given names of four-word names, one word or two ("Hân", "Minh Thư" of "Tôn Nữ Minh Thư"), and a birth-order
    name before one ("Út Lệ"): a name alone only where every word is capitalised in cased text."""

    @classmethod
    @functools.lru_cache(maxsize=64)
    def of(cls, people: tuple[str, ...]) -> _Present | None:
        full = {n for n in (nfc(p).lower() for p in people) if len(n.split()) in (3, 4)}
        given = frozenset(n.split()[-1] for n in full if len(n.split()) in (3, 4)) - _NUMBER_NAMES - _HONORIFIC_WORDS
        called = frozenset(n.split()[-1] for n in full) - _NUMBER_NAMES - _HONORIFIC_WORDS  # "Trần Đức Anh"
        called |= frozenset(" ".join(n.split()[-2:]) for n in full if len(n.split()) == 4)  # "chị sô phia"
        highland = {
            " ".join(n.split()[:2])
            for n in (nfc(p).lower() for p in people)
            if _HIGHLAND.match(n) and len(n.split()) > 1
        }
        full |= highland
        if not full:
            return None
        four = [n.split() for n in full if len(n.split()) == 4]
        capitalised = frozenset(w[-1] for w in four) | frozenset(" ".join(w[-2:]) for w in four)
        capitalised -= _NUMBER_NAMES | _HONORIFIC_WORDS | given
        capitalised |= frozenset(f"{born} {name}" for born in _BORN.split("|") for name in capitalised)
        alternatives = "|".join(re.escape(f) for f in sorted(full | given | capitalised, key=len, reverse=True))
        by_honorific = "|".join(re.escape(f) for f in sorted(called, key=len, reverse=True))
        named = (
            rf"(?:(?:{_HONORIFICS})\s+)?(?:{alternatives})|(?:{_HONORIFICS})\s+(?:(?:{_BORN})\s+)?(?:{by_honorific})"
        )
        return cls(re.compile(rf"(?<!\w)(?:{named})(?!\w)"), given, capitalised)

    def at(self, text: str, k: int) -> re.Match[str] | None:
        """The person named at `k` of `text` (cased as said), if one is."""
        found = self.pattern.match(text.lower(), k)
        before = _words_before(text, k)[-1:]
        if found is None or _an_object(text, k):
            return None
        if found.group() in self.capitalised and found.group() not in self.given:
            said = text[k : found.end()].split()
            after = text[found.end() :].split()[:1]
            alone = not (after and after[0][0].isupper()) and not (before and before[0] in _NOT_A_NAME_AFTER)
            return found if alone and all(w[0].isupper() for w in said) and text != text.lower() else None
        if found.group() not in self.given:
            return found  # a full name, or a name after an honorific
        ordered = _GIVEN_TO.search(fold(text[:k])) is not None  # "giao cho tiến chỉ huy": "cho" gives the order
        if (before and before[0] in _NOT_A_NAME_AFTER and not ordered) or (
            any(c.isupper() for c in text) and text[k].islower()
        ):
            return None
        if _IN_A_PLACE.search(text[:k]) and _PLACE_SAID.search(text[:k]) is None:
            return None  # "Ban quản lý chợ Châu Bình": a capitalised word before it, not the first, names a place
        window = ViTokenizer.tokenize(text[max(0, k - 20) : found.end() + 20].lower()).split()
        return found if found.group() in window else None

    def starts(self, text: str) -> list[int]:
        return [m.start() for m in self.pattern.finditer(text.lower()) if self.at(text, m.start())]


@dataclass(frozen=True)
class TaskSlots:
    assignee: str
    action: str
    deadline: Deadline | None


def _verb_starts(text: str, start: int) -> list[int]:
    """Where the verbs after the subject beginning at `start` begin, in order: a verb to pyvi's tagger or an order's
    verb (`cues.TASK_VERB`), lower case in cased text; not the first word, and right after a head only an order's
    verb ("Văn phòng nhắc …", but "Ban quản lý …"); a one-syllable adjective to pyvi after a capitalised name, ending
    the clause, is a verb too ("phòng Kinh tế nắm, trước 30/4 …", but "Phân xưởng may 2")."""
    cased = any(c.isupper() for c in text)
    folded = fold(text)
    words, tags = ViPosTagger.postagging(ViTokenizer.tokenize(text[start:]))
    spans: list[tuple[int, int, str]] = []  # (start, end, pyvi tag)
    position = start
    for word, tag in zip(words, tags, strict=True):
        syllables = word.replace("_", " ")
        found = text.find(syllables, position)
        if found < 0:
            continue  # pyvi may change spacing around punctuation: the word is skipped
        if any(c.isalpha() for c in syllables):  # pyvi tags dashes too ("Tài chính – Kế hoạch")
            spans.append((found, found + len(syllables), str(tag)))
        position = found + len(syllables)
    candidates = []
    for k, (begin, finish, tag) in enumerate(spans):
        if k == 0:
            continue
        ends = " " not in text[begin:finish] and text[finish : finish + 1] in (",", ";", ".", "")  # "nắm, trước …"
        verb = tag == "V" or (tag == "A" and ends and cased and text[spans[k - 1][0]].isupper())
        lexical = any(m.span() == spans[k][:2] for m in TASK_VERB.finditer(folded, begin, spans[k][1]))
        lexical = lexical or text[begin:finish].lower() in _LIGHT_VERBS
        head = text[spans[k - 1][0] : spans[k - 1][1]].lower()
        if text[spans[k - 1][0] : finish].lower() in _HEAD_SET:
            continue  # "câu lạc_bộ": pyvi cut a head's word in two, its second half no verb
        bare = k == 1 and cased and head in _HONORIFIC_WORDS and text[begin].islower()  # "Anh làm luôn"
        named = not bare or re.match(_TITLE_HEADS, text[begin:].lower()) is not None  # "đồng chí kế toán trưởng"
        after_head = head in _NAME_STARTS and named and head not in _PERSON_TITLES  # "kế toán làm …": a person
        native = " " in head and " " not in text[begin:finish] and head not in _HONORIFIC_WORDS
        if after_head and native and tag == "V" and (k + 1 == len(spans) or spans[k + 1][2] != "M"):
            after_head = False  # "Công ty bỏ tiền sửa": a whole name's one-syllable verb ("Phân xưởng may 2" a name)
        if (
            (k == 1 or text[spans[k - 1][0]].islower())  # "tổ trưởng tổ kiểm tra làm …", not "Văn phòng Hội …"
            and after_head
            and (" " not in head or head == "bộ phận")  # "bộ phận tổng hợp nộp …": no body by itself
            and head not in _HONORIFIC_WORDS
            and text[begin:finish].lower() not in _LIGHT_VERBS
            and not (lexical and " " not in text[begin:finish] and _group_of(text, spans, k))  # "các phòng gửi …"
            and _verb_follows(text, folded, spans, k)
        ):
            continue  # "đoàn giám sát hoàn thiện …", "nhóm nghiên cứu đi …": the head's verb names the body
        if head in ("ban", "phòng", "vụ") and text[begin:finish].lower() == "tổ chức":
            continue  # "Ban Tổ chức", "phòng tổ chức hành chính rà lại …": a body of organisation, not its verb
        if text[begin:finish].lower() in _BEFORE_ITS_VERB and k + 1 < len(spans) and spans[k + 1][2] == "V":
            candidates.append(begin)  # "bộ phận marketing tạm dừng …": the adverb begins what is to be done
            continue
        if _names_a_field(text, spans, k):
            continue  # "phòng Kỹ thuật vật tư sửa …", "Phòng Tổ chức lao động ra …": the name's field, then its verb
        if not cased and not lexical and head in _PLACE_LEVELS and _unknown_name(spans, k, text):
            continue  # "ủy ban phường phú xuân tổ chức …": a place's name pyvi did not know, "phú" no verb
        if (lexical or (verb and not after_head)) and not (cased and text[begin].isupper()):
            candidates.append(begin)
        elif tag != "N" and (
            lexical_inside := next(
                (m.start() for m in TASK_VERB.finditer(folded, begin + 1, spans[k][1]) if text[m.start() - 1] == " "),
                None,
            )
        ):
            candidates.append(
                lexical_inside
            )  # pyvi joined a name to the verb ("Thủy_tổ chức"), not a noun ("công_nhân")
    return sorted(set(candidates))


_LIGHT_VERBS = frozenset(
    {
        "làm", "lo", "dán", "in", "đưa", "thay", "đo", "viết", "gọi", "mời", "đăng", "chở", "nhắn", "cân đối", "tính",
        "thông báo", "chốt", "dọn", "vẽ", "phát động", "nắm", "cho", "tuyển", "ra", "xuống", "lên", "đi", "về",
    }
)  # fmt: skip
"""Everyday verbs an order is given with ("văn phòng dán thông báo", "Ban tài chính xã cân đối", "khoa Dược làm giùm"),
with their tones ("lâm", "lò", "thủ" are names or nouns): after a body's head they end its name, as an order's verb
does; no body's name goes on with one."""


_BEFORE_ITS_VERB = frozenset(["tạm", "sớm"])
"""Adverbs said before the order's verb ("tạm dừng", "sớm hoàn thiện") that pyvi tags adjectives."""
_FIELDS = frozenset(["vật tư", "lao động", "hành chính", "nhân sự", "thiết bị", "phát hành", "tổng hợp"])
"""The fields a department is named by that pyvi tags verbs ("Phòng Kỹ thuật vật tư", "Phòng Tổ chức lao động",
"phòng tổ chức hành chính", "Phòng Kế hoạch tổng hợp")."""
_NOUN_LIKE = frozenset(["thông báo", "báo cáo", "kế hoạch", "tổng hợp"])
"""Verbs pyvi tags so that also name what is made ("phát hành thông báo", "tổng hợp báo cáo")."""


def _names_a_field(text: str, spans: Sequence[tuple[int, int, str]], k: int) -> bool:
    """Whether `spans[k]` is a field word (`_FIELDS`) going on a body's name (after its head, a capitalised word of its
    name or another field word) with the order's verb right after it: "phòng Kỹ thuật vật tư sửa xong …", "Phòng Kế
    hoạch phát hành phối hợp …" (not "Phòng Tài chính tổng hợp gửi Sở …", where "tổng hợp" is done: after it only an
    everyday verb, "phòng Kế hoạch tổng hợp làm báo cáo")."""
    word = text[spans[k][0] : spans[k][1]].lower()
    if word not in _FIELDS or k + 1 >= len(spans) or text[spans[k][1] : spans[k + 1][0]] != " ":
        return False
    before = text[spans[k - 1][0] : spans[k - 1][1]]
    if not (before[:1].isupper() or before.lower() in _HEAD_SET or before.lower() in _FIELDS | {"tổ chức"}):
        return False
    begin, finish, tag = spans[k + 1]
    verb = text[begin:finish].lower()
    if word == "tổng hợp":
        return verb in _LIGHT_VERBS - _NOUN_LIKE
    return (tag == "V" or _LEADS.match(fold(verb)) is not None) and verb not in _NOUN_LIKE


_PLACE_LEVELS = frozenset(
    ["xã", "phường", "huyện", "quận", "tỉnh", "thôn", "ấp", "bản", "buôn", "làng", "thị trấn", "thị xã"]
)
"""The levels a place is named after ("xã Hải Phú", "phường Phú Xuân")."""


def _unknown_name(spans: Sequence[tuple[int, int, str]], k: int, text: str) -> bool:
    """Whether `spans[k]` and the word after it are single syllables, the second a noun to pyvi, and a verb follows
    them: an unknown name cut in two before the order's verb ("phú xuân tổ chức"), where a known verb is one word
    ("tuần_tra") or has no noun and verb after it ("coi lại hết", "xây nhà cho dân")."""
    if k + 2 >= len(spans):
        return False
    one, two, three = spans[k : k + 3]
    single = " " not in text[one[0] : one[1]] and " " not in text[two[0] : two[1]]
    return single and text[one[1] : two[0]] == " " and two[2] in ("N", "Np") and three[2] == "V"


def _group_of(text: str, spans: Sequence[tuple[int, int, str]], k: int) -> bool:
    """Whether the head before `spans[k]` is said of several bodies ("các phòng", "mấy tổ"): bodies named by their
    work are single ("tổ kiểm tra"), so a one-syllable order's verb after "các phòng" is theirs ("các phòng gửi …")."""
    return k > 1 and text[spans[k - 2][0] : spans[k - 2][1]].lower() in ("các", "những", "mấy")


def _verb_follows(text: str, folded: str, spans: Sequence[tuple[int, int, str]], k: int) -> bool:
    """Whether the word after `spans[k]` is a verb too, with nothing between: two verbs at once after a one-word head
    ("tổ kiểm tra làm văn bản", "vụ tổng hợp phối hợp …") make the first part of the name (a body named by its work),
    the second the order's verb; a whole name ("Chính phủ bổ sung báo cáo", "Chi ủy tổ chức kiểm điểm") needs none."""
    if k + 1 >= len(spans) or text[spans[k][1] : spans[k + 1][0]].strip():
        return False
    begin, finish, tag = spans[k + 1]
    return tag == "V" or any(m.span() == (begin, finish) for m in TASK_VERB.finditer(folded, begin, finish))


_TITLE_HEADS = "chủ tịch|phó|trưởng|chánh|tổng giám đốc|giám đốc|kế toán|thủ quỹ|bí thư|hiệu trưởng|thư ký"
"""How a person's title begins: a party so called is the person introduced with it."""
_APPOSED_TITLE = re.compile(rf"[\s,]*(?:{_TITLE_HEADS}|ủy viên|công chức|cán bộ|đại biểu)\b[^,.;:]{{0,40}},\s*")
"""A title said between the party and what it is to do, after another ("Đề nghị đồng chí Khải, Phó Trưởng phòng Nội vụ,
ủy viên thư ký, đọc …"): no part of the action."""
_PERSON_TITLES = frozenset(["kế toán", "thủ quỹ", "thư ký", "bí thư", "hiệu trưởng", "giám đốc", "chủ tịch"])
"""Titles of one person, whole to pyvi: a verb right after one is what the person is to do, not part of a body's
name."""
_NAME_STARTS = (
    (frozenset(_HEADS.split("|")) - {"huyện", "xã", "thôn", "bản", "các", "nhà trường"})
    | set(_HONORIFICS.split("|"))
    | {"đài"}
)
"""Heads of bodies' names and honorifics: the word after one is part of the name ("Ban quản lý", "Bộ chỉ huy",
"đồng chí Tiến", "Đài truyền thanh": "truyền thanh" is a verb to pyvi), unless an order's verb; a place ("huyện", "xã")
ends a name rather than starting one, and "nhà trường" is a whole name ("nhà trường làm văn bản …")."""


_UNIT_OR_ROLE = "bên|phía|thuộc|lái xe|tài xế|thủ kho|văn thư|nhân viên|kỹ thuật viên|kỹ sư|y tá|bác sĩ"
"""What may follow a person's name to say where they work or what they do ("anh Tài bên kỹ thuật", "chị Hoa phía nhà
thầu", "anh Tuấn lái xe"): an apposition, as a title is."""
_TITLE_AFTER = re.compile(
    rf"^((?:{_HONORIFICS})\s+\S+(?:\s+\S+){{0,2}}?)\s+"
    rf"(?=(?:{_TITLE_HEADS}|{_HEADS}|{_UNIT_OR_ROLE}|phụ trách|tổng phụ trách)\b)",
    re.IGNORECASE,
)
"""A person by honorific and name, then their title, body or work without a comma ("Chú Ba trưởng ấp", "anh lượng tổ
trưởng tổ điện", "anh sáu cang ban quản lý cảng", "anh tuấn lái xe"): an apposition, no part of the party."""


_NAME_AFTER_TITLE = re.compile(
    r"^(?:\w+\s+)*?[a-zđà-ỹ]\w*\s+(?<!xã )(?<!huyện )(?<!tỉnh )(?<!thôn )(?<!ấp )(?<!phường )(?<!quận )(?<!bản )"
    r"((?:[A-ZĐÀ-Ỹ]\w*\s+){2,3}[A-ZĐÀ-Ỹ]\w*)$"
)
"""A person's full name, three or four capitalised words, after their title in lower case ("Công chức địa chính Đỗ Văn
Lâm"); after a place's head the words name the place ("xã Hòa Bình Tây")."""


def _ends_a_name(party: str, k: int) -> bool:
    """Whether the one word at `k` closing `party`, a title's or body's head ("Khoa", "Trường"), is the last word of the
    person's name in cased text: capitalised right after the name's capitalised words ("đồng chí Phạm Văn Khoa"), as a
    given name is; a title or unit said after a name is lower case or runs on ("anh Hùng trưởng thôn", "chị Lan Khoa
    Dược")."""
    words = party[k:].split()
    said = party[:k].split()
    return len(words) == 1 and words[0][0].isupper() and bool(said) and said[-1][0].isupper()


def _as_called(party: str) -> str:
    """`party` without the title said right after a person's name (`_TITLE_AFTER`) or before it
    (`_NAME_AFTER_TITLE`)."""
    named = _TITLE_AFTER.match(party)
    if named is not None and not _ends_a_name(party, named.end()):
        return named.group(1)
    titled = _NAME_AFTER_TITLE.match(party)
    if titled is None or not all(word[0].isupper() for word in titled.group(1).split()):
        return party  # "Thường trực Ban Chỉ đạo": "À-Ỹ" holds lower-case letters too, "đạo" is no name's word
    return titled.group(1)


_PEOPLES_COMMITTEE = re.compile(
    r"(?:ủy|uỷ) ban\s+(?=(?:xã|phường|huyện|quận|tỉnh|thành phố|thị xã|thị trấn)\b)", re.IGNORECASE
)
"""The people's committee called short, by its level ("ủy ban xã", "Ủy ban phường Phú Xuân"): written by its name,
"Ủy ban nhân dân xã …", as minutes write it ("Ủy ban Kinh tế" is another committee)."""


def named_in_full(party: str, bodies: Sequence[str]) -> str:
    """`party` as the meeting names it in full (`participants.bodies`): the one longer body name that starts with the
    same word and says every word of it in order ("Văn phòng" -> "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân
    dân tỉnh", "công ty hạ tầng" -> "công ty cổ phần hạ tầng khu công nghiệp phước long"); else `party`."""
    words = fold(_by_name(party)).split()
    longer = {
        fold(full): full
        for full in (_by_name(_name_only(body)) for body in bodies)
        if len(fold(full).split()) > len(words) and _within(words, fold(full).split())
    }
    if len(longer) != 1 or not words:
        return party
    full = next(iter(longer.values()))
    return full[0].upper() + full[1:]


def _name_only(body: str) -> str:
    """A body's name as a title says it, without what unpunctuated speech ran on with: a person after it ("phòng tài
    nguyên và môi trường anh …"), its level said again ("ủy ban phường phú xuân phường sẽ …") or an everyday verb
    ("trạm kon hleng nói chút", "ủy ban xã xuống dự …"; `_RUNS_ON`)."""
    words = body.split()
    levels = [k for k, w in enumerate(words) if w.lower() in _PLACE_LEVELS]
    tokens = _word_spans(body, ViTokenizer.tokenize(body).split())
    verbs = {len(body[: m.start()].split()) for m in tokens[1:] if m.group().lower() in _RUNS_ON}
    for k, word in enumerate(words[1:], 1):
        if word.lower() in _HONORIFIC_WORDS or k in verbs or (len(levels) > 1 and k == levels[1]):
            return " ".join(words[:k])
    return body


_RUNS_ON = _LIGHT_VERBS | {"nói", "đến", "sẽ", "đã", "có", "đang", "thì", "là"}
"""One-syllable words no body's name holds: what speech ran on with after one (`_name_only`)."""


def _by_name(body: str) -> str:
    """The people's committee called by its level written by its name ("ủy ban xã" -> "ủy ban nhân dân xã")."""
    committee = _PEOPLES_COMMITTEE.match(body)
    return body if committee is None else f"{committee.group()}nhân dân {body[committee.end() :]}"


def _as_written(party: str, people: Sequence[str], titles: dict[str, str], cased: bool) -> str:
    """The party as the minutes write it: a full name where one is known (`_full_name`), else without honorific
    ("Cô Lan" -> "Lan", as the conventions write assignees), but a Southern birth-order name keeps it ("chú Ba", "ông
    Sáu": "Ba" alone is a number); the people's committee by its name (`_PEOPLES_COMMITTEE`); in cased text a
    lower-case word after the honorific is no name ("anh làm giúp"): the honorific alone, "you"."""
    full = _full_name(party, people, titles)
    if full != party:
        return full
    if _PEOPLES_COMMITTEE.match(party):
        return _by_name(party)
    bare = _HONORIFIC.sub("", party).strip()
    if cased and bare and bare != party and bare[0].islower():
        return party[: len(party) - len(bare)].strip()
    numeral = len(bare.split()) == 1 and bare.lower() in _NUMBER_NAMES
    return party if not bare or bare == party or numeral else bare


def _full_name(party: str, people: Sequence[str], titles: dict[str, str]) -> str:
    """ "anh Chiến" or "Chiến" -> "Ma Văn Chiến" when one attendee's name ends so, "đồng chí kế toán trưởng" -> the
    one person introduced with that title (`participants.titles`, folded title -> name), "anh tư" -> the one the
    meeting calls so (`participants.nicknames`, in `titles` too); anything else as it is."""
    bare = _HONORIFIC.sub("", party).strip()
    title = fold(bare)
    titled = re.match(rf"^(?:{_TITLE_HEADS})\b", bare.lower()) is not None
    if title in titles and not titled:  # "anh tư": a nickname
        return titles[title]
    if titled:
        holders = {name for said, name in titles.items() if said == title or said.startswith(title + " ")}
        return holders.pop() if len(holders) == 1 else party
    born = re.sub(rf"^(?:{_BORN})\s+(?=\S)", "", bare, flags=re.IGNORECASE)
    if party != bare or (born != bare and len([p for p in people if fold(p).endswith(" " + fold(born))]) == 1):
        bare = born  # "chị năm Diệu", "Út Lệ": the given name after a birth-order name ("chú Ba" alone is that name)
    words = fold(bare).split()  # with or without an honorific: "Mai lên gặp …" is Phàn Thị Mai
    matches = [p for p in people if words and fold(p).split()[-len(words) :] == words]
    if not matches and _HIGHLAND.match(bare.lower()):  # "anh y thông": Y Thông Adrơng, called by his first words
        matches = [p for p in people if len(words) > 1 and fold(p).split()[: len(words)] == words]
    return matches[0] if len(matches) == 1 else party


def _deadline(text: str, verb_at: int, held: date | None) -> Deadline | None:
    """The deadline of the order: said in what is to be done, else before it ("Trước ngày 15, anh Hải …"); a date
    in the topic ("Để kịp chia lãi trước Tết, ban kiểm soát … xong trước ngày 15/1") yields to the action's."""
    after = find_deadline(text[verb_at:], held=held)
    if after is not None:
        return Deadline(after.text, after.start + verb_at, after.due)
    return find_deadline(text, held=held)


_LEADS = re.compile(r"(?:chu tri|phoi hop)\b")
"""Leading and joining an order ("… chủ trì, xã … phối hợp"): verbs, never words of a body's name."""


_TITLED = re.compile(r"(?:truong|pho|giam doc|chanh|thu ky|ke toan|chu nhiem|can bo|vien chuc|nhan vien) $")


def _named_alone(name: str, said_after: str, meeting: str) -> bool:
    """Whether the meeting says `name` as a name elsewhere (not where it is followed by `said_after`, as here): in a
    title ("Trưởng phòng Kế hoạch tổng hợp") or with nothing after it ("anh Trí phòng Kế hoạch tổng hợp;"), not only
    as a party and its verb ("Trạm y tế chuẩn bị …" said twice)."""
    said = list(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", meeting))
    for found in said if len(said) >= 2 else []:
        if said_after and meeting.startswith(said_after, found.end()):
            continue
        if _TITLED.search(meeting, 0, found.start()) or re.match(r"\s*(?:[,.;:!?]|$)", meeting[found.end() :]):
            return True
    return False


def _named_body_end(text: str, start: int, verbs: Sequence[int], meeting: str) -> int:
    """Where a body's name beginning at `start` ends: at its first verb, unless the meeting says the longer name
    as a name elsewhere too (`_named_alone`), word by word ("phòng Kế hoạch tổng hợp" when "Trưởng phòng Kế hoạch
    tổng hợp" was introduced: "tổng hợp" is then part of the name, not the order's verb; "Đội Quản lý vận hành cân
    pha lại": the name ends before "cân", which pyvi tags no verb), ending where a word does, never over an everyday
    verb (`_LIGHT_VERBS`), "chủ trì" or "phối hợp"."""
    end = verbs[0]
    if _HONORIFIC.match(text[start:]) or meeting.count(fold(text[start:]).strip(" .;,")) >= 2:
        return end  # the whole order said twice ("… có giao hội phụ nữ nấu cháo …" quoted by a member): no longer name
    if _LEADS.match(fold(text[end:])):
        return end  # "Công an huyện chủ trì, xã … phối hợp" said twice: the verbs, no longer name
    words = ViTokenizer.tokenize(text[verbs[0] :]).split()
    ends = {verbs[0] + m.end(): m.group().lower() for m in _word_spans(text[verbs[0] :], words)}
    for word in re.finditer(r"[^\W\d_]+", text[verbs[0] :]):
        later = verbs[0] + word.end()
        if later not in ends:
            continue  # "trung tâm kiểm soát bệnh tật bổ| sung": a name ends where a word does
        if ends[later] in _LIGHT_VERBS:
            break  # "khoa Dược làm giùm" said twice: no name goes on with an everyday verb
        longer = fold(text[start:later])
        if not re.fullmatch(r"[\w ]+", longer) or not _named_alone(longer, fold(text[later:])[:24], meeting):
            break
        end = later
    return end


def _word_spans(text: str, words: Sequence[str]) -> list[re.Match[str]]:
    """Where each of pyvi's `words` ("bổ_sung") stands in `text`, in order (a word pyvi respaced is left out)."""
    found, position = [], 0
    for word in words:
        match = re.compile(re.escape(word.replace("_", " "))).search(text, position)
        if match is not None:
            found.append(match)
            position = match.end()
    return found


def _party_start(text: str, present: _Present | None) -> int | None:
    """Where the party given the order begins in a clause, or None: after "giao", "đề nghị" …; else the clause's
    subject, after a lead ("còn") or a topic ("Vụ trộm bò, Đội …"; a person present rather than a place: "Còn bản
    Pá Thượng, Dợ vận động …"); else a party under obligation ("… nhà thầu phải tăng ca …") or a person present
    named anywhere ("bảy hồ sơ đó nga làm …")."""
    lower = text.lower()

    def person(k: int) -> bool:
        return present is not None and present.at(text, k) is not None

    order = _ORDER.search(lower)
    if order is None:
        order = next((m for m in _ORDER_ANY.finditer(lower) if person(m.end())), None)
    if order is not None and _RECALLED.search(fold(lower[: order.start() + 1]).rstrip()):
        return None  # "Tháng trước tôi đã giao anh Lực …", "Hồi tháng Ba tui có giao các thôn …": recalled
    directed = order is not None and any(_subject(lower, m.start()) for m in _PARTY.finditer(lower, 0, order.start()))
    given = order is not None and _gives(text, order)
    if order is not None and directed and not _SPEAKER_GIVES.search(lower[: order.start()]) and not given:
        order = None  # "cô Mai chỉ đạo phòng đào tạo …": the subject is assigned, not whom it directs
    if order is not None and _MOTION.search(fold(lower[: order.start()])):
        return None  # "Bây giờ biểu quyết việc đề nghị Tòa án tỉnh tăng cường …": the motion put to the vote
    if order is not None:
        named = present.starts(text[: order.start()]) if present is not None else []
        bare = _HONORIFIC.match(lower[order.end() :]) is not None and not person(order.end())
        return named[0] if bare and named else order.end()  # "còn anh Trí thì tui đề nghị anh xuống …": Trí
    if (own := _OWN.match(lower)) is not None and not person(own.start("who")):
        return None  # the speaker's own part; but "Em Sương, Đoàn trường làm …" calls a person present
    speaker = _SPEAKER_AFTER_TOPIC.search(lower)
    lead = _LEAD.match(lower)  # "còn chị Ẻn thì làm …"
    ends = list(_TOPIC_END.finditer(lower))
    resumed = [m.end() for m in _RESUMED.finditer(lower)] + [m.end() for m in _WHO_DOES.finditer(lower)]
    resumed += [m.end() for m in _THIS_ONE.finditer(lower) if not _calls(text, m.start(), present)]
    candidates = [lead.end() if lead else 0, *(m.end() for m in ends), *resumed]
    candidates = [_past_time(text, k) if k else k for k in candidates]  # a time said first is no topic: below
    grouped = {m.end() for k in candidates if (m := _GROUP.match(lower, k)) is not None}
    candidates = [m.end() if (m := _GROUP.match(lower, k)) is not None else k for k in candidates]
    starts = [k for k in candidates if (_PARTY.match(lower, k) and (_free(lower, k) or k in grouped)) or person(k)]
    if speaker is not None and not (starts := [k for k in starts if k < speaker.start()]):
        return None
    purpose = {m.end() for m in ends if m.group().strip() == "để"}  # "… thì kế toán làm xong … để chị dung duyệt"
    starts = [k for n, k in enumerate(starts) if not (n and k in purpose)]
    if resumed and (after := [k for k in starts if k >= resumed[-1]]):
        starts = after  # "xi măng thì xã hỗ trợ … cái này kế toán làm dự toán": all before "cái này" is its topic
    people = [k for k in starts if person(k)]
    if people:
        return people[0]
    if not starts:  # no subject where a clause begins: a party under obligation anywhere, else a person present
        obliged = (
            m.start() for m in _PARTY.finditer(lower) if _OBLIGED.match(lower, m.end()) and _free(lower, m.start())
        )
        starts = [k for k in [next(obliged, None)] if k is not None]
    for k, later in zip(starts, [*starts[1:], None][: len(starts)], strict=True):
        topic = lower[k:later] if later is not None else ""
        listed = all(w in _HEAD_WORDS for w in topic.strip(" ,").split())  # "Các sở, ngành liên quan": one party
        marked = re.search(r"\sthì(?: là)?\s+$", topic) is not None  # "vụ xe cát thì là công an xã …": its topic
        if not marked and (
            listed
            or not (
                topic.endswith(", ")
                and len(topic.split()) <= 4
                and not re.match(rf"(?:{_TITLE_HEADS})\b", lower[later:])
            )
        ):
            return k  # else "Vụ trộm bò, Đội Cảnh sát hình sự …": a short topic before the party, not an apposition
    return next(iter(present.starts(text)), None) if present is not None else None


def _calls(text: str, k: int, present: _Present | None) -> bool:
    """Whether a person present is named right before `k` ("hồng này em làm …": Hồng is called)."""
    before = len(text[:k].rstrip())
    named = (present.at(text, j) for j in present.starts(text[:before])) if present is not None else iter(())
    return any(m is not None and m.end() >= before for m in named)


def _past_time(text: str, k: int) -> int:
    """`k`, or past a time and particles said before the subject there ("… thì ngày mai đội kiểm lâm ra hiện trường",
    "… thì cũng Phòng Nông nghiệp tham mưu"): the party follows them."""
    when = find_deadline(text[k : k + 60])
    if when is not None and when.start == 0:
        k += len(when.text)
        k += len(text[k:]) - len(text[k:].lstrip(" ,"))
    particles = _PARTICLES.match(text[k:])
    return k + particles.end() if particles is not None else k


def _subject(lower: str, k: int) -> bool:
    """Whether a party at `k` stands where a subject does: first, or after a topic ("Về đèn đường, Thường trực giao …");
    not inside a noun phrase ("Kiến nghị của cử tri thôn Phú Lộc …, Thường trực giao cho Trưởng thôn …", "Việc thăm hỏi
    các hội viên …, nhờ ông Sáu …": neither gives the order) nor a head's syllable in another word (`_free`)."""
    return _free(lower, k) and (not k or re.search(r"(?:[,:;]|\bthì)\s+$", lower[:k]) is not None)


_RECALLED = re.compile(
    r"\b(?:da|tung|co)$|\b(?:nam ngoai|(?:thang|tuan|nam|lan|hom|bua|dot|ky|buoi) (?:truoc|roi)|truoc day)(?: \w+)?$"
)
"""What stands right before an order word when it recalls an order given before: "đã", "từng", the affirming "có" ("tui
có giao các thôn …"), or a time past with at most the speaker between ("năm ngoái tui giao văn phòng mua …")."""
_MOTION = re.compile(r"\b(?:bieu quyet|lay y kien|xin y kien)\b")
"""The vote or consultation an order word is the object of ("biểu quyết việc đề nghị …"): a motion, no order."""
_CONCLUDES = re.compile(
    r"^[^:;]{0,80}\b(?:kết luận|chốt lại|chốt|thống nhất|như sau|ghi lại|ghi giúp|ghi (?:vào )?biên bản)\s*:\s*",
    re.IGNORECASE,
)
"""A lead-in to what the chair concludes, ending in a colon ("Qua ý kiến các đồng chí, chi bộ kết luận: Chi ủy …"), or
the secretary told to note what follows ("Chị Lan ghi lại: Đội …"): the orders are said after it, their subjects
there."""
_AGREED = re.compile(r"\s*(?:(?:cơ bản|thống nhất|nhất trí|kết luận|đồng ý)\s*)*[:,]?\s*$")
"""What the meeting or its presiding body may say between itself and the order word ("Hội nghị thống nhất giao …",
"Hội đồng kết luận: đề nghị …"): its decision, the order still its own."""


def _gives(text: str, order: re.Match[str]) -> bool:
    """Whether the party said first in `text` gives the order at `order` rather than carries it out: it begins the
    sentence or follows its topic, and only agreement stands between it and the order word ("Ủy ban Thường vụ Quốc
    hội đề nghị Chính phủ …", "Hội đồng quản trị thống nhất giao Ban Tổng Giám đốc …", "Chủ tịch UBND tỉnh chỉ đạo
    Sở …"). A person by honorific directing a body does that work ("cô Mai chỉ đạo phòng đào tạo …"), one with a
    verb of their own before the order word is the assignee ("anh Vinh liên hệ Cảnh sát … đề nghị …"), and "đã" there
    recalls an order given before ("chi bộ đã thống nhất giao …")."""
    lower = text.lower()
    first = next((m for m in _PARTY.finditer(lower, 0, order.start()) if _subject(lower, m.start())), None)
    if first is None:
        return False
    recalled = re.search(r"\b(?:đã|từng|vừa)\b", lower[first.end() : order.start()])  # "chi bộ đã thống nhất giao …"
    if _HONORIFIC.match(lower[first.start() :]) or recalled:
        return False
    verbs = [v for v in _verb_starts(text, first.start()) if v < order.start()]
    return not verbs or _AGREED.fullmatch(lower[verbs[0] : order.start() + 1].rstrip()) is not None


def _words_before(text: str, k: int) -> list[str]:
    """The folded words before `k`, the spoken filler "là" after a topic's "thì" left out ("mẫu mã thì là mận xuống …":
    "là" there is no copula before a name), and that of "tức là", "nghĩa là" ("bộ phận ngân sách tức là anh Khải …": the
    party said again, no speaker saying who they are), and "cũng" before a subject ("thì cũng Phòng …": no "cùng",
    with)."""
    words = fold(re.sub(r"(?<=\s)cũng\s+$", "", text[:k], flags=re.IGNORECASE)).split()
    fillers = (["thi", "la"], ["tuc", "la"], ["nghia", "la"])
    said_who = _WHO_DOES.search(text[:k].lower() + " ") is not None and text[:k].lower().rstrip().endswith("là")
    return words[:-1] if words[-2:] in fillers or said_who else words


_LISTED = re.compile(rf"(?<!\w)(?:{_HONORIFICS})(?:\s+[^\W\d_]+){{1,4}}?(?:,|\s+(?:với|và))\s*$")
"""A person said right before another in one list ("ông Ri, bà Sương", "bà Bông với …")."""


def _an_object(text: str, k: int) -> bool:
    """Whether the person at `k` is an object, a possessor or the speaker (`_NOT_A_PARTY_AFTER`), or listed after one
    ("hộ ông Ri, bà Sương, bà Tám đủ điều kiện", "Cảm ơn ông Tám, bà Bông với anh chị trong tổ"): no party."""
    before = _words_before(text, k)[-1:]
    if before and before[0] in _NOT_A_PARTY_AFTER:
        return True
    listed = _LISTED.search(text[:k].lower())
    if listed is None or "_" in ViTokenizer.tokenize(listed.group()).split(" ", 1)[0]:
        return False  # "việc bác sĩ trạm y tế, anh Hải …": "bác sĩ" is a word, no honorific
    return _an_object(text, listed.start())


def _free(lower: str, k: int) -> bool:
    """Whether a party at `k` may be given an order: not everyone of a kind ("chị em"), not the object of a word
    before it ("với anh chính")."""
    before = _words_before(lower, k)[-2:]
    quantified = _SOMEONE.search(" ".join(before)) is not None
    collective = any(m.start() <= k < m.end() for m in _COLLECTIVE.finditer(lower))  # "anh em nhớ …": no "em"
    if collective or _an_object(lower, k) or quantified:
        return False
    return _heads_a_name(lower[k : k + 40])


@functools.lru_cache(maxsize=4096)
def _heads_a_name(lower: str) -> bool:
    """Whether the head of a body that `lower` begins with is a word of its own to pyvi, or begins a body's name or a
    title ("hội_đồng", "phó_chủ_tịch", "tổ_trưởng"): a head's syllable pyvi binds into another word is
    none ("trường_hợp", "tổ_chức", "ban_hành", "đội_ngũ", "phòng_chống", "hội_viên")."""
    word = ViTokenizer.tokenize(lower).split(" ", 1)[0].replace("_", " ")
    syllables = word.split()
    if len(syllables) < 2 or syllables[0] not in _HEAD_SET or syllables[0] in _HONORIFIC_WORDS:
        return True
    rest = " ".join(syllables[1:])
    return (
        word in _HEAD_SET
        or syllables[0] in ("trưởng", "phó", "chánh")
        or syllables[-1] == "trưởng"
        or re.match(rf"(?:{_TITLE_HEADS})\b", rest) is not None
        or rest in _HEAD_SET
    )


def _clause_task(
    text: str, offset: int, held: date | None, people: Sequence[str], titles: dict[str, str], meeting: str, host: str
) -> TaskSlots | None:
    folded = fold(text)
    lower = text.lower()
    if (vote := find_vote(text, chair=True)) is not None and (vote.call or vote.has_counts):
        return None  # "…, xin các đồng chí biểu quyết bằng giơ tay", "12 tán thành, 20 không tán thành"
    present = _Present.of(tuple(people))
    start = _party_start(text, present)
    if start is None:
        return None
    when = find_deadline(text)
    if when is not None and when.start <= start < when.start + len(when.text):
        return None  # "… trước vụ vải tới phải thay bao bì mới": a deadline's words ("vụ") are no party
    if _INVITE.search(lower, 0, start + 1):  # "Mời đồng chí Hải, Chủ tịch …, trình bày": the floor, now
        return None
    if (lead := _LEAD.match(lower, start)) is not None:
        start = lead.end()
    if (alias := _ALIAS.match(lower, start)) is not None and (
        _PARTY.match(lower, alias.end()) or (present is not None and present.at(text, alias.end()))
    ):
        start = alias.end()  # "bộ phận ngân sách tức là anh Khải tổng hợp …": the one the unit is
    if fold(text[:start]).split()[-1:] == ["toi"]:  # "…, tôi Bùi Thị Thanh Hương, Trưởng phòng, chủ trì": the speaker
        return None
    person = present.at(text, start) if present is not None else None
    if person is None and present is not None:  # "chi đoàn anh sáng in …": the person named in the body's place
        first = next(iter(_verb_starts(text, start)), len(text))
        inside = [
            k
            for k in present.starts(text)
            if start < k < first and _HONORIFIC.match(lower[k:]) and not _AMONG.search(lower, start, k)
        ]
        start, person = (inside[0], present.at(text, inside[0])) if inside else (start, None)
    end: int | None
    title_end: int | None
    members: re.Match[str] | None = None
    if person is not None:  # a person present: the name ends the party, whatever pyvi tags next
        end = title_end = person.end()
        unit = re.match(rf",\s*(?:{_HEADS})\b", lower[end:]) is not None  # "Em Sương, Đoàn trường làm …": called,
        if unit or re.match(rf"[\s,]+(?:{_TITLE_HEADS}|{_UNIT_OR_ROLE}|ủy viên)\b", lower[end:]):  # then her unit
            verbs = [v for v in _verb_starts(text, end) if not re.match(_TITLE_HEADS, lower[v:])]
            if not verbs:
                return None
            title_end = verbs[0]
    else:
        verbs = _verb_starts(text, start)
        end = title_end = _named_body_end(text, start, verbs, meeting) if verbs else None
        if end is not None and (companion := _COMPANION.search(lower, start, end)) is not None:
            end = title_end = companion.start()  # "công an xã cùng với tổ an ninh thôn … tuần tra": the first leads
        members = _MEMBERS.match(lower, start)
        if members is not None:
            end = title_end = members.end(1)  # "các cơ sở chưa đạt, trong đó có …, hoàn thành …": the group
    apposition = re.compile(r",\s*(?=[^\W\d_])").search(text, start)
    before_verb = end is None or (apposition is not None and apposition.start() <= end)
    if apposition is not None and before_verb and text[apposition.end()].isupper():
        end = apposition.start()
        after = re.search(r",\s*", text[apposition.end() :])  # the apposition runs to the next comma
        verb_at = apposition.end() + after.end() if after else None
        clause_end = apposition.end() + after.start() if after else len(text)
        if person is not None and title_end is not None and apposition.end() < title_end < clause_end:
            verb_at = title_end  # the apposition ends at the verb ("Em Sương, Đoàn trường làm …, trong tháng 3 gửi …")
    else:
        verb_at = title_end
    if end is None or verb_at is None:  # no verb, or an apposition without one after it ("Vụ chưa rõ chủ hàng, Đội …")
        topic = end is not None and person is None and not _body_words(text[start:end])
        return _next_party_task(text, start, offset, held, people, titles, meeting, host) if topic else None
    verb_at = len(text) - len(text[verb_at:].lstrip())
    past = verb_at + len(text[verb_at:]) - len(text[verb_at:].lstrip(" ,"))
    if "," in text[verb_at - 2 : past] and (aside := _ASIDE.match(lower, past)) is not None:
        verb_at = aside.end()  # "các cơ sở chưa đạt, trong đó có cơ sở bà Bông, hoàn thành …": members, then the verb
    while (title := _APPOSED_TITLE.match(lower, verb_at)) is not None:  # "…, Phó Trưởng phòng …, ủy viên thư ký, đọc …"
        verb_at = title.end()
    if (particles := _PARTICLES.match(text[verb_at:])) is not None:
        verb_at += particles.end()
    rest = folded[verb_at:]
    deadline = _deadline(text, verb_at, held)
    near = [m.start() for m in re.finditer(r"\S+", rest)][:3]  # a title pyvi does not know may stand before it
    asked = _ASKED_NOW.search(folded, start, verb_at) or any(_ASKED_NOW.match(rest, k) for k in near)
    asked_now = person is not None and bool(asked)
    if (_PROCEDURAL.match(rest) or asked_now) and deadline is None:
        return None
    if _REQUEST.match(folded) and not _HONORIFIC.match(lower[start:]) and (deadline is None or _SUGGESTS.match(rest)):
        return None
    action_end = deadline.start if deadline is not None and deadline.start > verb_at else len(text)
    if deadline is not None and start < deadline.start < end:  # "anh Pọm ngày mai đưa tôi đi …"
        end = deadline.start
    assignee = _TRAILING.sub("", text[start:end].strip(" ,:;"))
    action = text[verb_at:action_end].strip(" ,.;:")
    if deadline is not None and deadline.start > verb_at:  # what is said after the deadline is the action too
        action = f"{action} {text[deadline.start + len(deadline.text) :].strip(' ,.;:')}".strip()
    if not assignee or _PARTICLES_ONLY.fullmatch(action) or _decides(assignee, anywhere=True) or not _acts(action):
        return None
    coordinates = re.match(r"(?:thống nhất|làm việc) với\s+", action.lower())  # "… thống nhất với ban trị sự lộ trình"
    with_party = coordinates is not None and _PARTY.match(action.lower(), coordinates.end()) is not None
    if (_decides(action) and not with_party) or _OPINION.match(action.lower()):
        return None
    if any(_SPEAKS_FOR.match(fold(said)) for said in (action, f"{assignee.split()[-1]} {action}")):
        return None  # "Ban Quản lý chợ xin tiếp thu, …", "Thường trực xin tiếp thu …" ("xin" read into the party)
    if _REPORTED.match(action.lower()):
        return None  # "… tính cả khoản anh Dũng nêu, gửi …": what someone raised, the person no party
    if action.lower().startswith(("là ", "là,", "mới ", "nhưng ", "mà ")):
        return None  # "Phòng cháy là việc số một": a statement; "Đồng chí Khánh mới chuyển về …": what was just done;
        # "… không có mô anh Tửu nhưng cuối năm xã khen …": a conjunction begins no predicate, the person was addressed
    if _MEETING.match(fold(assignee)) or _OURS.search(assignee.lower()) or _ALL_OF_US.match(assignee.lower()):
        return None
    if is_host(assignee, host):  # "Hội xã sẽ làm việc với Ủy ban …" at the farmers' union: its own promise
        return None
    if _decides(f"{assignee.split()[-1]} {action}") or _EVERYONE.match(fold(assignee)):
        return None
    if person is None and members is None and not _body_words(assignee):  # "Vụ chưa rõ chủ hàng, Đội …": a topic
        return _next_party_task(text, start, offset, held, people, titles, meeting, host)
    if re.search(r"\btôi\b", assignee.lower()):  # "các đồng chí ổn định tôi | hà văn tuấn … chủ trì"
        return None  # "hội đồng trường ghi | nhận …" cut inside a word; "các đồng chí nghiêm túc thực hiện"
    if deadline is not None:
        deadline = Deadline(deadline.text, deadline.start + offset, deadline.due)
    cased = any(c.isupper() for c in text)
    each = re.search(r"(?<!\w)(?:mỗi|từng|mấy|những)\s+$", lower[:start]) is not None  # "mỗi trưởng thôn": `_GROUP`
    kept = _TEACHERS.match(assignee) or each
    called = assignee if kept else _as_written(_as_called(assignee), people, titles, cased)
    return TaskSlots(called, action, deadline)


def _decides(text: str, *, anywhere: bool = False) -> bool:
    """Whether `text` begins with (or, `anywhere`, holds) a word of the meeting deciding or recalling (`_DECIDES`), read
    with its tone marks; a transcript written without them is read folded."""
    said = nfc(text).lower()
    pattern = _DECIDES_FOLDED if fold(said) == said else _DECIDES
    return (pattern.search(said) if anywhere else pattern.match(said)) is not None


@functools.lru_cache(maxsize=4096)
def _acts(action: str) -> bool:
    """Whether `action` says something to do: a verb to pyvi (not capitalised in cased text: a name's word) or an
    order's verb. A party with none after it was given no order: a list of who speaks on what ("anh Vinh Luật Phòng
    bệnh, chị Lan Luật Nhà giáo")."""
    words, tags = ViPosTagger.postagging(ViTokenizer.tokenize(action))
    cased = any(c.isupper() for c in action)  # then a capitalised word is a name's ("Luật Phòng bệnh"), no verb
    verbs = [w for w, tag in zip(words, tags, strict=True) if tag == "V" and not (cased and w[0].isupper())]
    return bool(verbs) or TASK_VERB.search(fold(action)) is not None


def _next_party_task(
    text: str,
    after: int,
    offset: int,
    held: date | None,
    people: Sequence[str],
    titles: dict[str, str],
    meeting: str,
    host: str,
) -> TaskSlots | None:
    """The task of the first party after `after` that is no object of the word before it (a verb, a preposition:
    `_NOT_BEFORE_PARTY`), when what stood first is no party ("thôn với địa chính cùng xuống vận động anh quý chủ
    trì")."""
    lower = text.lower()
    present = _Present.of(tuple(people))
    named = set(present.starts(text)) if present is not None else set()
    for k in sorted({m.start() for m in _PARTY.finditer(lower, after + 1)} | {k for k in named if k > after}):
        if re.search(r"\btôi\b", lower[after:k]):
            return None  # "… tuần này tôi quách văn tường giám đốc ban quản lý dự án chủ trì": the speaker
        if lower[k - 1] not in " ," or not _free(lower, k):
            continue
        if _tag_of_last_word(text[:k].rstrip(" ,")) in _NOT_BEFORE_PARTY:
            continue
        return _clause_task(text[k:], offset + k, held, people, titles, meeting, host)
    return None


_NOT_IN_BODY = frozenset({"E", "R", "P"})
"""pyvi tags of no word of a body's name: a preposition, an adverb, a pronoun (`_body_words`)."""


def _body_words(name: str) -> bool:
    """Whether `name` can be a body's name: no word pyvi tags a preposition, an adverb or a pronoun ("thôn với địa chính
    cùng", "vụ trọng tâm từ nay đến cuối năm", "vụ đất tranh chấp này"); a body is named by nouns ("Sở Tài nguyên và
    Môi trường", "Ban quản lý dự án")."""
    _, tags = ViPosTagger.postagging(ViTokenizer.tokenize(name))
    return not _NOT_IN_BODY & set(tags)


def is_host(party: str, host: str) -> bool:
    """Whether `party` names the body holding the meeting, `host`: both start with the same word and one says every
    word of the other in order, a word also as the acronym of a run of them ("Hội xã", "Ban Chỉ huy xã", "UBND xã" of
    "Hội Nông dân xã Yên Thành", "Ban Chỉ huy phòng, chống thiên tai … xã Kỳ Xuân", "Ủy ban nhân dân xã Minh Tân";
    "Hội đồng nhân dân huyện Tân Phú khóa XII" of the council without its term). What that body will do is its own
    plan or promise, not a task the meeting gives (CONVENTIONS); "Chi hội", "Văn phòng", "UBND xã" at the district
    are other bodies."""
    words, named = fold(party).split(), fold(host).replace(",", " ").split()
    return _within(words, named) or _within(named, words)


def _within(words: list[str], named: list[str]) -> bool:
    """Whether `named` says every one of `words` in order, the first first, a word also as the acronym of a run."""
    at = 0
    for k, word in enumerate(words):
        for j in range(at, len(named)):
            if named[j] == word:
                at = j + 1
                break
            if len(word) > 1 and "".join(w[0] for w in named[j : j + len(word)]) == word:
                at = j + len(word)
                break
            if k == 0:
                return False
        else:
            return False
    return bool(words)


def gives_floor(text: str) -> bool:
    """Whether `text` gives someone the floor ("mời …"): procedure, whatever follows."""
    return _INVITE.search(nfc(text).lower()) is not None


def sets_up(text: str) -> bool:
    """Whether `text` calls the roll, opens the meeting or gives its agenda (`_SETUP`): procedure, no order. The
    generator reads no task in it; `read_tasks` still does, as its reading is the classifier's task-cue token, which
    these sentences keep (dropping it there moved other sentences of the retrained classifier: dev tasks 0.919 ->
    0.912)."""
    return _SETUP.search(fold(nfc(text))) is not None


_ASKS = re.compile(r"(?<!\w)(?:không|chưa|hông|hả|há|ha|răng|rằng|nhỉ)(?: ạ)?\W*$")
"""A question's final particle, unpunctuated in speech ("… mốc thông xe có giữ được không", "chị Hồng đã đặt in chưa
ạ"), with its tones: "giải hạng Nhì", "sông Hà" end no question."""
_EMBEDS = re.compile(r"\b(?:xem|coi|hoi|kiem tra|biet)\b")
"""A verb taking the question as its object ("xuống coi ông Tám dời hàng rào chưa"): the sentence is an order."""


def asks(text: str) -> bool:
    """Whether `text` is a question: "?", or a question's final particle with no verb that embeds it."""
    folded = fold(text).strip()
    said = nfc(text).lower().strip()
    return text.rstrip().endswith("?") or (_ASKS.search(said) is not None and _EMBEDS.search(folded) is None)


def read_tasks(
    text: str,
    *,
    held: date | None = None,
    people: Sequence[str] = (),
    titles: dict[str, str] | None = None,
    meeting: str = "",
    host: str = "",
) -> list[TaskSlots]:
    """The tasks given in `text`, one per clause that names a party and what it is to do. `people`: the full names
    of those present; `titles`: title or nickname -> the person so called (`participants.titles`, `nicknames`);
    `meeting`: the meeting's text, folded, where a body's full name may be said; `host`: the body holding the
    meeting (the issuing body of the header), whose own plans are no order given to it (`is_host`)."""
    text = nfc(text).strip()
    if _SUMMARY.match(fold(text)) or _ROLL.match(fold(text)) or asks(text):
        return []
    tasks: list[TaskSlots] = []
    concluded = _CONCLUDES.match(text)  # "…, tôi kết luận: Phòng Y tế …": the orders follow the colon
    position = concluded.end() if concluded is not None else 0
    cuts = (c for c in _CLAUSES.finditer(text.lower()) if c.start() >= position and not _joins_names(text, c))
    for cut in [*cuts, None]:
        end = cut.start() if cut is not None else len(text)
        if point := _POINT.match(text, position, end):  # its end, in the whole text
            position = point.end()
        clause = text[position:end]
        found = _clause_tasks(clause, position, held, people, titles or {}, meeting, host) if clause.strip() else []
        cased = any(c.isupper() for c in text)
        found = [share for t in found for share in _shares(t, clause, people, titles or {}, cased)]
        said = find_deadline(clause, held=held) if not found and tasks and tasks[-1].deadline is None else None
        if said is not None:  # "giao Công an huyện chủ trì …; kết quả báo cáo Ủy ban trong quý IV": the same order
            deadline = Deadline(said.text, said.start + position, said.due)
            every = names_every_order(clause)  # "…; cả hai việc xong trước 31/3"
            reach = range(len(tasks)) if every else [len(tasks) - 1]
            tasks = [
                TaskSlots(t.assignee, t.action, deadline) if k in reach and t.deadline is None else t
                for k, t in enumerate(tasks)
            ]
        tasks.extend(found)
        shared = found[-1].deadline if found else None
        if shared is not None and (
            names_every_order(re.split(r"[,;:]", text[: shared.start])[-1])
            or _EVERY_ORDER_BEFORE.search(fold(text[: shared.start])) is not None
        ):
            tasks = [
                t if t.deadline else TaskSlots(t.assignee, t.action, shared) for t in tasks
            ]  # "…, cả hai việc xong …"
        position = cut.end() if cut is not None else len(text)
    first = tasks[0].deadline if tasks else None
    if first is not None and first.start < text.find(tasks[0].action):  # "Ngày 29 trường tổng vệ sinh, …": said
        tasks = [t if t.deadline else TaskSlots(t.assignee, t.action, first) for t in tasks]  # before every order
    # "Nhờ anh Tuấn kiểm tra …, trong tuần sau anh xử lý giúp tôi": a bare "anh" after a named party is the same one,
    kept: list[TaskSlots] = []  # its deadline that one's when it has none ("…, chị ký gửi Sở trong ngày mai")
    for k, t in enumerate(tasks):
        if k and t.assignee.lower() in _HONORIFIC_WORDS:
            if kept and kept[-1].deadline is None and t.deadline is not None:
                kept[-1] = TaskSlots(kept[-1].assignee, kept[-1].action, t.deadline)
            continue
        kept.append(t)
    return kept


_AMONG = re.compile(r",\s*(?:trong đó(?: có)?|bao gồm|gồm(?: có)?|kể cả|nhất là)\s+[^,.;:]*$")
"""Members named inside a group's order ("các cơ sở chưa đạt, trong đó có cơ sở bà Bông, hoàn thành …", "các hộ, gồm
hộ ông Tám …"): the group is the party, the members part of it."""
_MEMBERS = re.compile(r"([^,.;:]+),\s*(?:trong đó(?: có)?|bao gồm|gồm(?: có)?|kể cả|nhất là)\s+[^,.;:]*,")
"""A group named up to the comma before its members (`_AMONG`): all it is called by is its name."""
_ASIDE = re.compile(r"(?:trong đó(?: có)?|bao gồm|gồm(?: có)?|kể cả|nhất là)\s+[^,.;:]*,\s*")
"""The members named after a group's name, up to the comma before its verb (`_AMONG`)."""
_SHARE = re.compile(r"\s+thì(?: là)?\s+", re.IGNORECASE)


def _shares(
    task: TaskSlots, clause: str, people: Sequence[str], titles: dict[str, str], cased: bool
) -> list[TaskSlots]:
    """The task once per party when its party is said place by place in `clause`, each after its topic and "thì"
    ("thôn Đông thì dân quân, xóm Tây thì đoàn thanh niên, dọn kênh": each does its share, two tasks; "thôn trên thì
    dân quân trực": the militia). A party read with a "thì" in it holds topics, not names."""
    said = clause[: clause.find(task.action)] if task.action and task.action in clause else ""
    parts = [part for part in re.split(r",\s*", said.strip(" ,")) if part.strip()]
    if len(parts) < 2 or not all(_SHARE.search(part) for part in parts):
        parts = [part for part in re.split(r",\s*", task.assignee) if part.strip()]
    if not parts or not all(_SHARE.search(part) for part in parts):
        return [task]
    parties = [_SHARE.split(part)[-1].strip() for part in parts]
    return [
        TaskSlots(_as_written(_as_called(party), people, titles, cased), task.action, task.deadline)
        for party in parties
        if party
    ]


_ALL_ORDERS = re.compile(r"(?:ca (?:hai|ba|bon)|tat ca|cac viec|hai viec|ba viec)\b")
"""A clause naming every order said before it ("cả hai việc xong trước 31/3"): its deadline is theirs."""


_EVERY_ORDER_BEFORE = re.compile(
    r"(?<!\w)(?:ca )?(?:hai|ba) (?:viec|dua|nguoi|ben)(?: nay| do| tren)? (?:phai |deu )?xong $"
)
"""Every order named right before the deadline, unpunctuated ("… còn chị Hiền lo gian hàng hai việc này xong trước
ngày 18", "hai đứa xong trước ngày khai mạc"): its deadline is theirs."""


def names_every_order(text: str) -> bool:
    """Whether `text` begins by naming every order said before it ("cả hai việc xong trước 31/3"): its deadline is
    theirs."""
    return _ALL_ORDERS.match(fold(text).strip()) is not None


def _joins_names(text: str, cut: re.Match[str]) -> bool:
    """Whether a cut at "và" joins two names into one party ("Văn phòng HĐND và UBND huyện hoàn thiện …", "chỉ đạo Công
    an xã và công chức địa chính kiểm tra …"): no verb since the last punctuation or order word before it (after a
    comma, ", và Ban Dân tộc giám sát …" starts a second order)."""
    if cut.group().strip(" ,") != "và" or cut.group().startswith(","):
        return False
    head = re.split(r"[,;:]", text[: cut.start()])[-1]
    head = head[max((m.end() for m in _ORDER_ANY.finditer(head.lower())), default=0) :]  # "chỉ đạo A và B kiểm tra"
    if not head.strip():
        return False
    _, tags = ViPosTagger.postagging(ViTokenizer.tokenize(head))
    return "V" not in set(tags) or _co_object(head)


def _co_object(head: str) -> bool:
    """Whether the last party said in `head`, the words before a "và", is the object of the word right before it (a
    verb or a preposition: "phối hợp phòng Kế toán", "làm việc với Sở Y tế", "liên hệ trường tiểu học", "thợ trong
    bản"): the party after "và" is a second object of the same word ("… và Công đoàn", "… và các nhà tài trợ"), no
    second order; the first party of `head`, its subject, is never that."""
    lower = head.lower()
    last = None
    for found in _PARTY.finditer(lower):
        inside = lower[: found.start()].split()[-1:] in ([w] for w in _HEAD_SET)  # "phòng kế toán": one name
        if (
            found.start()
            and lower[found.start() - 1] == " "
            and not inside
            and _heads_a_name(lower[found.start() : found.start() + 40])
        ):
            last = found.start()
    before = head[:last].rstrip() if last is not None else ""
    if not before.strip() or not before.split()[0:1] or last == len(head) - len(head.lstrip()):
        return False
    return fold(before).split()[-1] in _JOINING or _tag_of_last_word(before) in {"V", "E"}


_JOINING = frozenset(["voi", "cung", "hop", "cho", "gui", "tai", "trong"])
"""Words a party after is their object ("với", "cùng", "phối hợp", "cho", "gửi", "tại", "trong")."""


_NOT_BEFORE_PARTY = frozenset({"V", "E", "C", "Cc", "P"})
"""pyvi tags of a word a second party cannot follow if it starts a clause of its own: a verb or preposition takes it
as its object ("gửi Văn phòng", "với chị Hoa", "phối hợp Sở B"), a conjunction or pronoun joins it."""


def _tag_of_last_word(text: str) -> str:
    """pyvi's part-of-speech tag of the last word of `text`."""
    _, tags = ViPosTagger.postagging(ViTokenizer.tokenize(text))
    return str(tags[-1]) if len(tags) else ""


def _clause_tasks(
    text: str, offset: int, held: date | None, people: Sequence[str], titles: dict[str, str], meeting: str, host: str
) -> list[TaskSlots]:
    """The task of a clause, or two when a second party starts a task of its own without punctuation or with a
    comma ("anh Cường làm thủ tục chi, anh Bình liên hệ nhà xe"; ASR: "anh tài lo sân bãi chị mơ thì lập …")."""
    first = _clause_task(text, offset, held, people, titles, meeting, host)
    if first is None:
        return _after_comma(text, offset, held, people, titles, meeting, host)
    lower = text.lower()
    present = _Present.of(tuple(people))
    named = set(present.starts(text)) if present is not None else set()
    for k in sorted({m.start() for m in _PARTY.finditer(lower)} | named):
        person = _HONORIFIC.match(lower[k:]) is not None or k in named
        comma = lower[k - 2 : k] == ", "
        if k == 0 or lower[k - 1] != " " or not _free(lower, k) or _AMONG.search(lower, 0, k):
            continue
        before = text[:k].rstrip(" ,")
        before = re.sub(r"(?:,?\s+(?:còn|và|rồi))+$", "", before, flags=re.IGNORECASE)  # "… tháng mười hai còn"
        verb_before = bool(before) and _tag_of_last_word(before) in _NOT_BEFORE_PARTY
        if not before or (not comma and lower[:k].split()[-1] in _NAME_STARTS - _HONORIFIC_WORDS):
            continue  # "gửi các đoàn đại biểu quốc hội": a person's word right after a body's head names the body
        if not comma and verb_before and not person:
            continue  # a body after a verb is its object ("kiểm tra các điểm karaoke …")
        contrast = person and re.search(r"(?<!\w)còn$", text[:k].rstrip(" ,"), re.IGNORECASE) is not None
        loose = not comma and not contrast and (verb_before or not person)  # a person after a verb, a body after a noun
        topic = _THEN_TOPIC.search(lower[:k])  # "… còn danh sách hộ thì hiền …": the first order ends before "còn"
        left = _clause_task(
            before if topic is None else text[: topic.start()], offset, held, people, titles, meeting, host
        )
        if left is not None and _LEADS.fullmatch(fold(left.action)):
            continue  # "Công an huyện chủ trì, xã Cúc Phương phối hợp, lập tổ …": one order to the body that leads
        if verb_before and comma and (left is None or left.assignee != first.assignee):
            continue  # after a comma a verb is no object's ("…, chị Bích kiểm tra …") if the first order is on the left
        right = _clause_tasks(text[k:], offset + k, held, people, titles, meeting, host)
        if loose and not (left is not None and right and _parallel(left, right[0], text[k:], before)):
            continue  # a person anywhere, a body after a comma ("quỹ công đoàn" is no party), else a parallel order
        at = text[k:].find(right[0].action) if right else -1
        if loose and present is not None and any(0 < j < at for j in present.starts(text[k:])):
            continue  # "… gửi qua kế toán trước ngày 15 còn nhung thì chi …": the parallel order is a later person's
        if left is not None and right:
            return [left, *right]
    return [first]


def _after_comma(
    text: str, offset: int, held: date | None, people: Sequence[str], titles: dict[str, str], meeting: str, host: str
) -> list[TaskSlots]:
    """The tasks of a person named after a comma when what stands before gives none: a decision or the speaker's own
    part first ("Ban Giám đốc thống nhất phủ màng ô số 6, chị Loan lên nghị quyết …", "…, tôi ký duyệt giá trong hôm
    nay, anh Sáu làm tiếp …")."""
    lower = text.lower()
    for k in (m.start() for m in _PARTY.finditer(lower)):
        if text[max(0, k - 2) : k] == ", " and _HONORIFIC.match(lower[k:]) and _free(lower, k):
            return _clause_tasks(text[k:], offset + k, held, people, titles, meeting, host)
    return []


_THEN_TOPIC = re.compile(r"\scòn\s+(?:(?!còn\b)[^\W\d_]+\s+){1,6}thì\s*$")
"""A second order's topic after "còn", then "thì" (as `_CLAUSES`, before a person called by given name alone)."""


def _parallel(left: TaskSlots, right: TaskSlots, said: str, before: str = "") -> bool:
    """Whether a second party said without punctuation gives a second order of the same build as the first: the same
    verb ("ban văn hóa xã hội giám sát … ban dân tộc giám sát …", "anh ba hùng lo … chị tư lo …") or a contrast marked
    by "thì" after the party or before it, "còn <topic> thì" ending what is said `before` ("… xong trước ngày hai mươi
    phòng nội vụ thì hoàn thiện …", "… còn danh sách thì hiền xác nhận …"); else the party is an object or part of a
    phrase ("gửi các đoàn đại biểu quốc hội")."""
    first, second = fold(left.action).split()[:1], fold(right.action).split()[:1]
    if first and first == second:
        return True
    at = said.find(right.action)
    marked = at > 0 and said[:at].lower().split()[-1:] == ["thì"]  # with diacritics: "hội thi" is a contest
    return marked or _THEN_TOPIC.search(before.lower()) is not None  # "… còn danh sách hộ thì hiền xác nhận …"
