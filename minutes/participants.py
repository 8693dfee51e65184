"""Who chairs and who attends, read from the transcript where the meeting's metadata does not say.

The clerk's metadata always wins (`minutes.generate` asks this module only for empty fields). A
recording often comes with no list of attendees, and diarization labels speakers "Người nói N"
unless voiceprints know them, so the names come from speaker labels that are names, from
self-introductions ("Tôi là Hứa Thị Lan", "tôi chu văn đạt trưởng khoa cơ khí") and from the names
the chair or the secretary says when giving the floor ("Xin mời đồng chí Phạm Minh Tuấn, Phó Chủ
tịch …"). No list of family names decides what a name is (many are rare: Lã, Ninh, Bế, Kha, Vi, Lò,
Hứa): in cased text a name is a run of two to four capitalised words after an honorific or "tôi",
not starting with a title ("đồng chí Chánh Văn phòng"); in lower-case ASR output it is three or four
words after one, that end at a title, a verb of procedure or the end, and hold no function word
("tôi phải đi họp huyện xin …", "anh ghi nhận" are no names). People only talked about ("hộ ông X",
"vắng đồng chí X") are no attendees.

The chair is the speaker who declares the meeting open, else the one who runs the procedure
(`frame.chair_label`). The chair may hand over ("xin mời đồng chí Lý Thị Mai … điều hành phần
thảo luận", "nhường quyền điều hành cho …", "phần còn lại chị X chủ trì giúp tôi"); from the next turn
of another speaker the new chair presides, and their procedural speech (calls to vote, assignments,
conclusions) counts as the chair's. A master of ceremonies who announces the chair is none; co-chairs
named with the chair ("tôi và đồng chí X cùng chủ trì", "Đoàn Chủ tịch gồm …") chair too. An anonymous
chair is named by whoever hands them the chair or by their own introduction.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pyvi import ViTokenizer

from core.text import nfc
from core.transcript import Segment
from minutes.cues import fold
from minutes.sentences import STOPWORDS

_TITLE_START = re.compile(
    r"^(?:chủ|phó (?:chủ|giám|trưởng|chánh|hiệu|bí|thủ|tổng|ban)|trưởng|chánh|giám|thư ký|bí thư|ủy|đại|đồng chí"
    r"|ông(?! (?:văn|thị) \w)|bà|anh|chị|thầy|cô|em|sở|phòng|ban|hội|tổ|người|các|tổng|cục|vụ|kế|cán|thành viên"
    r"|lãnh|bộ|khoa|acha|achar|lục cả|hiền (?:huynh|tỷ|tỉ|đệ|muội)|lễ sanh|giáo hữu"
    r"|đoàn(?! thị \w| văn (?!công\b|nghệ\b)\w)|văn phòng|trung tâm|công an|thường trực|nhân dân|quốc hội|chính phủ"
    r"|hiệu|thủ|thôn|xã|huyện|tỉnh|bản|ấp|xóm|phường|khu|đơn vị|số|bên|công ty)\b"
)
"""Titles, bodies and places ("Chánh Văn phòng", "Phó Chủ tịch", "thôn đồng tâm", "đơn vị số ba"): never the start of
a name ("Phó Đức Nam" is one; nor is "Đoàn" before the middle name "Thị" or "Văn": "Đoàn Thị Ngọc", but "đoàn văn
nghệ"; nor "Ông" before one: "Ông Văn Tấn")."""
_RANK = r"(?:thiếu|trung|thượng|đại) (?:úy|uý|tá|tướng)"
_CLERGY_TITLES = (
    r"thượng tọa|hòa thượng|đại đức|ni sư|linh mục|mục sư|acha|achar|lục cả|hiền (?:huynh|tỷ|tỉ|đệ|muội)|lễ sanh"
    r"|giáo hữu"
)
_INTRODUCER = re.compile(
    r"\b(?:(?:đồng chí|đại biểu|đảng viên|bác sĩ|(?:chị|anh|cô|thầy) là|ông|bà|anh|chị|bạn|thầy|cô|o|cụ|bác|chú)"
    rf"(?:\s+{_RANK})?|{_RANK}|{_CLERGY_TITLES}"
    r"|(?:tôi|tui|em|mình) (?:tên )?là|tên (?:tôi|tui|em|mình) là|tôi,?|tui,?|em)"
    r"\s+(?!(?:con|em|chị|anh|chú|bác|bà|ông(?! (?:văn|thị)\b)|cô)\b)",
    re.IGNORECASE,
)
"""Who introduces a name: an honorific, the elders' ("cụ", "bác", "chú") and Central "o" too, a rank ("trung tá",
"đồng chí đại úy") or a cleric's title ("thượng tọa", "linh mục"), or the speaker ("tôi", "em", "chị là …"); not a
collective ("bà con cử tri", "anh em", "cô chú")."""
_SELF = re.compile(
    r"\b(?:(?:tôi|tui),? (?:là |tên là )?|(?:em|chị|anh|cô|thầy|mình) (?:tên )?là |tên (?:tôi|tui|em|mình) là )\w"
    r"|^(?:(?:dạ|vâng|thưa \w+),? )?em \w",
    re.IGNORECASE,
)
"""The speaker giving their own name ("tôi hoàng văn pao …", "chị là trần thị phương tổ trưởng …", "mình là …"; "em"
only opening the turn: "dạ em hà văn tùng …", where "em" names no one addressed)."""
_COLLECTIVE_BEFORE = re.compile(
    r"\b(?:các|những|mấy|mọi|quý|anh|chị|ông|bà|cô|chú|bác|em|tụi|bọn|chúng)\s+$", re.IGNORECASE
)
"""An honorific after a plural or another honorific is a group, never a person ("các anh chị ngồi trật tự", "chị em
mình tiếp tục", "anh em xã viên"), nor is "em" of the plural pronoun ("tụi em cần huyện …", "bọn em", "chúng em")."""
_COUNTED = re.compile(r"(?:\b(?:một|hai|ba|bốn|sáu|bảy|tám|chín|mười|mươi|trăm)|\d)\s+$", re.IGNORECASE)
"""A count before "em": the young people of a report ("ba em học đại học", "12 em cận thị"), no one named; an
attendance said before a roll is no count of the one named after it ("có mặt mười ba anh thạch sô phia …")."""
_STOP = re.compile(
    r"(?:chu tich|chu nhiem|chu toa|pho|truong|chanh|giam doc|bi thu|thu truong|thu ky|thu quy|tong|cuc truong"
    r"|vu truong|uy vien|dai bieu|dai dien|can bo|ke toan|cong an|phong|xom|ban|hieu truong|dieu hanh|dieu khien"
    r"|chu tri|chu toa|acha|achar"
    r"|trinh bay|phat bieu|giai trinh|tra loi|cho y kien|bao cao|doc|thay mat|tham du|thong qua|xin|moi"
    r"|de nghi|toi|em|la|va|cung|da|se|ve|len|ke|thay|to (?:truong|pho)|chi huy|phu huynh|giao vien|o|duoc"
    r"|quan doc|de xuat)\b"
)
"""Titles, verbs and the speaker's "em" that end a name spoken in lower case ("… trần văn kiên phó chủ tịch", "em
trịnh minh quân em xin …", "… nguyễn đình hùng chỉ huy trưởng", "… ninh thị thoa thay tôi điều hành"); a given name that
is also a word of a title ("Trường", "Thu") does not, alone."""
_GIVEN_NAME_NOT_TITLE = {
    "truong": "trưởng",
    "phong": "phòng",
    "cung": "cùng",
    "la": "là",
    "o": "ở",
    "chanh": "chánh",
    "da": "đã",
    "thay": "thay",
    "toi": "tôi",
}
"""Words of `_STOP` that fold like a name ("Trường", "Phong", the family names "Cung", "La", "Chanh Đa" of a Khmer
name, "Tới" beside "tôi"): they end a name only as the word itself ("… tôn thất hiếu ở xóm trên", "anh đặng văn tới chủ
tịch xã")."""
_FUNCTION_WORDS = frozenset(w for w in STOPWORDS if "_" not in w) | {
    *("phải", "đi", "họp", "thấy", "nghĩ", "nói", "hỏi", "làm", "muốn", "biết", "cố", "gắng", "chỉ", "vừa", "rồi"),
    *("ngày", "tuần", "tháng", "kết", "luận", "mấy", "ơi", "ạ", "nhé"),
    *("nha", "nghen", "hen", "hí", "hỉ", "luôn", "giùm", "giúp", "tui", "hổng", "qua", "thứ", "thôi"),
    *("lấy", "xuống", "đứng", "ngồi", "nợ", "đưa", "giữ", "chở", "gửi", "nộp", "coi", "xem", "trả", "kiểm", "rà"),
    *("tuổi", "chục", "nghe", "máy", "chút", "ni", "nớ", "rứa", "răng", "chừ"),
}
"""Words no name is made of ("tôi phải đi họp huyện …", "tôi thấy …", "anh thắng ơi em …", the pronoun and particles
of Central and Southern speech: "tui giao luôn nha …", "chiều ni tui qua", "o lài đếm giùm", "chịu hổng nổi"; an
ordinal: "anh lượt thứ nhất …"; "tôi ngồi nghe thôi"; the verbs that follow a pronoun and are nobody's name: "em lấy mẫu
nước ở …", "tui xuống từng vườn", "xã em nợ chủ yếu là …"; an age or a count: "chị bảy tuổi", "nhà tôi ba chục con bò";
"tôi nghe máy chút"; Central "ni", "nớ", "rứa", "răng", "chừ": "tui hứa vụ ni …")."""
_NEVER_GIVEN = frozenset({"em", "toi", "la", "va", "xin", "moi", "cung", "da", "se", "ve", "len", "o", "ke"})
"""Words of `_STOP` that follow a middle name as no given name does: a pronoun, "là", a verb of procedure."""
_CENTRAL_WORDS = frozenset({"ni", "nớ", "rứa", "răng", "chừ"})
"""Central words of `_FUNCTION_WORDS` that are also given names ("Sa Ni", Khmer): a fourth word before a title."""
_VERB_AFTER = frozenset({"làm", "nói", "hỏi", "thấy", "phải", "muốn", "biết", "nghĩ", "cũng", "thì", "đã", "đang"})
"""Verbs and particles after a four-word lower-case name ("… hồng nhung làm trưởng ban"): the name is all four."""
_GIVEN_TOO = frozenset({"được", "ni"})
"""Function words that are given names too, after the middle name ("Âu Văn Được", Khmer "Lâm Thị Sa Ni")."""
_KHMER_FAMILIES = frozenset({"thạch", "danh", "chau", "néang"})
"""Family names only Khmer names bear: two lower-case words after one, a title or unit after them, are a name
("ông thạch sóc trưởng ban"), though both are syllables of Vietnamese."""
_UNIT_HEAD = re.compile(r"truong\b(?! (?:phong|ban|khoa|tram|dai|doan|thon|bo phan|nhom)\b)")
"""A title made of a unit and "trưởng" after it ("hạt trưởng", "trạm trưởng"), not "trưởng phòng" before one."""
_HONORIFICS = frozenset({"anh", "chị", "em", "ông", "bà", "cô", "chú", "bác", "thầy"})
"""Honorifics that also end given names ("ngô thị lan anh"): a fourth word that may be the name's."""
_UNITS = frozenset({"hạt", "trạm", "đội", "tổ", "khoa", "phòng", "ban", "xóm", "thôn", "bản", "nhóm"})
"""Units whose head is "<unit> trưởng" even when a unit follows ("tạ văn phong trạm trưởng trạm bơm cầu xe")."""
_GENDERED_MIDDLE = frozenset({"văn", "thị", "a", "seo"})
"""The middle names that mark most Vietnamese full names of three words ("A", "Seo" for Hmong men: "Giàng A Chu",
"Sùng Seo Vàng"): in lower
case, a run too long to be a name whose second word is one of them is the name's three words and what follows ("hứa
thị yến bên khoa dược")."""
_ENDS_NAME = re.compile(
    r"(?:bên|bộ phận|đội|tổ|đoàn|sở|công chức|công ty|văn phòng|phụ trách|cô|thầy|o|với|còn|nè|tháng|tuần|hôm|nghỉ"
    r"|quê|lớp|ngành|mảng|khối|xưởng|phân xưởng|cửa hàng|chi nhánh|già làng|trụ trì"
    r"|(?:chi )?hội (?:phụ nữ|nông dân|cựu chiến binh|người cao tuổi|chữ thập|khuyến học)"
    r"|chi (?:hội|bộ|đoàn)|nhà (?:tôi|tui|em|mình)|thôn|buôn|làng|ấp)(?!\w)"
)
"""Words that end a lower-case name after its first word, as a title does: the unit or role the speaker names next
("tạ minh đức bộ phận cấp giấy", "thạch sô phia bên công an", "đỗ thị thanh nhàn công chức tư pháp", "hồ thị mận văn
phòng ủy ban", "… công ty …", "… phụ trách hành chính"), absence ("đồng chí lực nghỉ ốm"), the next person's
honorific or "với" in a roll ("… cô thạch thị sô phia thầy lưu hoàng phúc với mấy thầy cô …"), the time a report
starts with ("đinh thị thu hà tháng tám phòng cấp …"), a hometown ("lò thị hoa quê ở mộc châu"), a village elder or a
mass organisation ("y kông mlô già làng", "… chi hội phụ nữ"), an abbot ("lý chanh đa trụ trì chùa"), the household
("tôi nguyễn văn hậu nhà tôi …"), the next clause of a
roll ("… chị lê thị kim oanh còn bên hội …") or the Southern particle after one's own name ("tui trần văn út nè").
Any function word would end phrases that are no names too ("đại biểu dự hội nghị có …")."""
_VERB_PAIRS = re.compile(
    r"\b(?:thảo luận|biểu quyết|đề nghị|ổn định|phát biểu|tham dự|giơ tay|thống nhất|nhất trí|đồng ý|trình bày"
    r"|xin nhận|hứa sẽ)\b"
)
"""Verbs of procedure that look like two given names ("mời các vị đại biểu thảo luận")."""
_ANONYMOUS = re.compile(r"^(?:nguoi noi|speaker|spk|khong ro)\b|\d")
_OPENS = re.compile(
    r"\b(?:tuyen bo bat dau\s*(?:[.;!?]|$)"
    r"|(?:tuyen bo|xin(?: phep)?(?: duoc)?|toi|tui|minh|(?<!\bde )(?<!\bcho )chung (?:ta|toi)"
    r"|(?:^|(?<=[.,;!?] )|(?<=\bthi )|(?<=\broi )|(?<=\bgio )|(?<=\bvay ))(?:chi|anh|em|co|chu|bac)"
    r"(?![^.;!?]*\b(?:di|giup|gium|dum)\b\s*(?:a|nhe|nha)?\s*(?:[.;!?]|$)))"
    r" (?:khai mac|(?:bat dau|mo dau) (?:buoi|cuoc|phien|ky|hoi nghi|dai hoi|giao ban|hop)\b)"
    r"|(?:cuoc hop|buoi hop|phien hop|ky hop|hoi nghi)(?: hom nay)?(?: xin)?(?: duoc)?(?: chinh thuc)? bat dau\b)"
)
"""Who declares the meeting open chairs it ("tôi xin khai mạc", "xin phép (được) khai mạc", "tôi tuyên bố bắt đầu buổi
làm việc", "tôi tuyên bố bắt đầu." with nothing after, "chúng ta bắt đầu phiên họp", "mình bắt đầu họp nghen", "tôi xin
mở đầu cuộc họp", "cuộc họp xin được bắt đầu", the speaker by the honorific they call themself, opening a clause
("thế thì chị khai mạc", "Rồi, em khai mạc …"; never "mời chị khai mạc", nor the urging "anh khai mạc đi ạ"), not its
purpose: "ổn định chỗ ngồi để chúng ta bắt đầu …"; not "mời … phát biểu khai mạc": that invites another; another may
chair a part of it: `chairing`)."""
_BEGINS = re.compile(
    r"\b(?:toi|tui|em|minh)\b[^.;!?]{0,40}?\bxin (?:phep )?bat dau\s*(?:[.;!?]|$)"
    r"|(?<!\bde )(?<!\bcho )(?<!\bde chung )(?<!\bcho chung )\b(?:chung ta|minh|ta)(?: cung)? bat dau"
    r"(?:\s*(?:nhe|nha|nghen|nghe|a|hi|he|ha)?\s*(?:[.;!?]|$)| cho (?:som|kip|nhanh|gon)\b)"
    r"|\bmoi (?:ba con|cac dong chi|moi nguoi|anh chi em|ca nha)(?: minh)? (?:vo|vao) hop\b"
)
"""The speaker beginning the meeting without naming it ("cảm ơn cô bích tôi vi thị hằng xin bắt đầu", "bây giờ chúng ta
bắt đầu.", Central "chừ ta bắt đầu hỉ", "mình bắt đầu cho sớm", Southern "mời bà con mình vô họp"; not "… để chúng ta
bắt đầu"): the chair when no one declares it open or says they preside."""
_TODAY_OR_PARTICLE = r"hom nay|bua nay|hom ni|bua ni|sang nay|chieu nay|nghen|nghe|nhe|nha|hen|hi"
"""Words that may close a sentence of presiding: the day (North, Central, South) or a final particle ("… chủ trì bữa
nay", "… chủ trì nghen", "… điều hành giúp hí")."""
_MEETING = r"hoi nghi|cuoc hop|phien|buoi|ky hop|giao ban|dai hoi"
"""The meeting said after a verb of presiding ("chủ trì cuộc họp", "điều hành buổi làm việc")."""
_PRESIDES = re.compile(
    r"\b(?:toi|tui|em)\b(?: se\b)?(?:(?!\b(?:de nghi|giao|yeu cau|moi|nen|se)\b)[^.;!?]){0,80}?"
    rf"\b(?:chu (?:tri|toa)|(?:dieu hanh|dieu khien)(?= (?:{_MEETING}|{_TODAY_OR_PARTICLE})\b))\b"
    rf"(?: (?:{_MEETING}|{_TODAY_OR_PARTICLE})\b[^.;!?]{{0,40}})?"
    r"\s*(?:[.;!?]|$|,?\s*(?:co mat|du hop|tham du|cung du)\b)"
)
"""The speaker saying they preside, the sentence ending there ("tôi sình văn páo hạt trưởng chủ trì", "hôm nay tôi điều
hành cuộc họp", "tôi sẽ chủ trì"), or the roll going on ("tôi X chủ trì có mặt …"); not "tôi đề nghị Sở A chủ trì", "tôi
nghĩ nên …", "tôi điều hành công ty"."""
_PRESIDER_IS_ME = re.compile(
    rf"\b(?:chu tri|chu toa|dieu hanh|dieu khien)(?: (?:{_MEETING}|hom nay|bua nay|sang nay|chieu nay)\b)*"
    r"\s*(?:la|:)\s*(?:toi|tui|em)\b"
)
"""The speaker naming themself the chair ("chủ trì cuộc họp là tôi, …", "Chủ trì: tôi …")."""
_PRESIDING = r"(?:chu tri|chu toa|dieu hanh|dieu khien)"
"""Verbs of presiding, folded: "điều khiển (hội nghị)" is the older word of mass organisations for "điều hành"."""
_ASSIGNED = re.compile(
    r"(?:\b(?:toi|tui|em)\b[^.;!?]{0,60}?\bduoc\b[^.;!?]{0,40}?\b(?:giao|phan cong|cu|uy quyen|de nghi|moi)"
    r"|\b(?:giao|phan cong|cu|uy quyen|nho)(?: cho)? (?:toi|tui|em))"
    rf" {_PRESIDING}\b"
)
"""The speaker saying they were given the chair, the passive of an order or invitation ("hôm nay tôi được đồng chí Chủ
tịch giao chủ trì cuộc họp", "tôi được phân công điều hành") or the speaker its object ("anh ấy giao tôi chủ trì"): they
preside, where "tôi giao … chủ trì" gives a task."""
_CHAIR_VERB = re.compile(
    r"(?<!\bco quan )(?<!\bdon vi )"
    r"(?!(?:(?<=\bgiam doc )|(?<=\bban )|(?<=\bhoi dong )|(?<=\buy vien )|(?<=\bthanh vien ))"
    rf"{_PRESIDING}\s*[,;.])"
    rf"\b(?:(?P<co>cung|(?<!hoi )dong) )?(?:len |se |tiep tuc )?{_PRESIDING}\b"
)
"""Presiding, said of whoever is named just before ("… đồng chí X, Phó Chủ tịch, điều hành", "đồng chủ trì"); not the
verb as part of a body's name ("Sở Y là cơ quan chủ trì."), nor of a title before a stop ("chị X, Giám đốc điều hành;
anh Y …", "anh Z, thành viên Ban điều hành."), though a title may come before the verb ("… phó chủ tịch hội đồng điều
hành nội dung còn lại")."""
_CHAIR_AFTER = re.compile(
    r"\s*(?:[.;!?]|$|(?:tiep|giup|gium|dum|luon|thay|phan|hoi nghi|cuoc hop|phien(?! toa)|ky hop|buoi|giao ban"
    rf"|dai hoi|toan|noi dung|{_TODAY_OR_PARTICLE})\b|,?\s*co (?:dong chi|ong|ba|anh|chi|co|thay)\b)"
)
"""What may follow the verb when it gives the chair: the sentence's end, the meeting or a part of it ("… điều hành
phần tiếp theo", "chủ trì giúp tôi", Southern "điều hành giùm tui"), the roll going on ("… có đồng chí X chủ tịch chủ
trì có đồng chí Y …"); not an object, which makes it a task ("chủ trì xây dựng đề án")."""
_PART_BEFORE = re.compile(r"\b(?:phan|noi dung) (?:con lai|tiep theo|sau|thao luan)\b")
"""A part of the meeting said before the verb, its object put first: the verb gives the chair whatever follows it."""
_PART_DONE = re.compile(r"[^.;!?]*\b(?:den day|xong|ket thuc)\b")
"""The speaker's part said over ("hai nội dung tôi điều hành đến đây là xong"): the one invited next takes the chair."""
_OPEN_CALL = re.compile(r"\bmoi\b(?P<who>[^.;:!?]{3,120}?)\b(?:phat bieu )?khai mac\b")
"""Someone invited to open the meeting ("xin kính mời đồng chí X … phát biểu khai mạc"): they chair it."""
_CONDITION = re.compile(r"\b(?:neu|truong hop)\b[^.;!?]*\bthi\b")
"""A condition before the verb ("nếu chưa xong thì chị X điều hành tiếp", "trường hợp tui về trễ thì …"): the chair is
not handed over yet; a later handover, or none, says who presides (folded, "lỡ" would be "lộ" too)."""
_CHAIR_TO = re.compile(
    rf"\b(?:nhuong|chuyen|giao|ban giao|trao)(?: lai)? (?:quyen|phan|vai tro|ghe) {_PRESIDING}(?: lai)? cho\b[^.;:!?]*"
)
"""The chair given by name after the verb and what is given ("nhường quyền điều hành cho đồng chí X", "chuyển lại
quyền …", "chuyển phần điều hành cho …", "trao quyền chủ tọa cho …"); not "giao chủ trì cho Sở A", a task."""
_CHAIRS_LISTED = re.compile(
    r"\b(?:(?:doan chu (?:tich|toa)|chu toa doan)\b[^.!?]{0,40}?\bgom|dong chu tri\b[^.!?]{0,40}?\bco)\b[^.!?]*"
)
"""Co-chairs listed: the presiding body ("Đoàn Chủ tịch gồm: đồng chí A, …; đồng chí B …", "Đoàn chủ tọa gồm ông A, …",
"chủ tọa đoàn gồm …"), "đồng chủ trì hôm nay có bạn X"."""
_SELF_WORDS = ("tôi", "tui ", "em ", "mình")
_OTHER = re.compile(r"(?<!các )\b(?:đồng chí|ông|bà|anh|chị|cô|thầy|bạn|bác sĩ|cụ)\s+\w", re.IGNORECASE)
"""Someone other than the speaker, called by an honorific (not "các đồng chí")."""
_SAYS_PRESIDES = re.compile(
    r"\b(?:toi|tui|em)\b(?:(?!\b(?:de nghi|giao|yeu cau|moi|nho|nen|va)\b)[^.;!?]){0,80}?"
    rf"\b{_PRESIDING}\b"
)
"""The speaker saying they preside, over any part ("tôi … chủ trì phần đầu"): no master of ceremonies."""
_CALLED = re.compile(
    r"(?<!các )\b(?:đồng chí|ông|bà|anh|chị|cô|thầy|bạn|cụ)\s+"
    r"(\w+(?:['’]\w+)?|(?=phó|chủ|trưởng|giám|bí|chánh)\w+(?:\s+\w+){1,5})\s*$",
    re.IGNORECASE,
)
"""Someone called by honorific and given name alone, right before the verb ("… chừ anh thuận chủ trì tiếp", a Highland
name with its prefix: "bà H'Linh điều hành tiếp"), or by
honorific and title ("xin mời đồng chí chủ tịch phát biểu khai mạc")."""
_TITLED_OTHER = re.compile(
    r"(?<!các )\b(?:đồng chí|ông|bà|anh|chị|cô|thầy)\s+(?=phó|chủ|trưởng|giám|bí|chánh)[^\W\d_]+(?:\s+[^\W\d_]+)*?"
    r"\s+((?:[^\W\d_]+\s+){2}[^\W\d_]+)\s*$"
)
"""Another called by honorific and title, the name last, in lower case ("anh phó chủ tịch trần quốc việt"): that
person, though the speaker said "tôi" before."""
_CHAIR_IS = re.compile(
    rf"(?:\b{_PRESIDING}(?: (?:hoi nghi|cuoc hop|phien hop|buoi hop|ky hop|giao ban|dai hoi|hom nay|sang nay"
    rf"|chieu nay|bua nay))+(?:\s*:\s*|\s+)|(?:^|[.;!?]\s*){_PRESIDING}\s*:\s*)"
    r"(?:(?:se )?(?:la|(?P<listed>gom)|co)\s+)?(?:dong chi|ong|ba|anh|chi|co|thay)\b[^.;:!?]*"
)
"""The chair of the meeting named after the verb ("chủ trì hội nghị hôm nay là đồng chí X, Chủ tịch UBND xã", "chủ tọa
đại hội gồm ông X", in a roll: "chủ trì hội nghị có đồng chí X …", "chủ trì hội nghị đồng chí X …"), or after it and a
colon, as a programme is read ("Chủ trì hội nghị: đồng chí X", "Chủ tọa: ông X"); not who leads a task ("giao Phòng
Nông nghiệp, chủ trì là anh Hùng")."""
_LAST_NAME = re.compile(r"((?:[A-ZÀ-Ỹ][^\W\d_]*\s+){1,3}[A-ZÀ-Ỹ][^\W\d_]*)\W*$")


@dataclass(frozen=True)
class _Given:
    """Names given the chair in one segment: `names[0]` takes it at the next turn of another speaker, unless
    `shared` (co-chairs named with the speaker: "tôi và đồng chí X cùng chủ trì"); the others chair with them."""

    names: list[str]
    shared: bool
    called: str = ""
    others: bool = False
    """Co-chairs named by someone not among them ("Xin kính mời đồng chí A và đồng chí B lên đồng chủ trì"): they chair
    with whoever presides, not with the speaker."""
    """The given name said when the chair goes to someone called by it ("chừ anh thuận chủ trì tiếp"): the attendee
    whose full name ends so, if one does (`chairing`)."""


def _named_before(text: str, start: int, end: int) -> list[str]:
    """The people named (by another, not themselves) in `text[start:end]`; else, a title first ("do Phó Chủ tịch
    Quốc hội Nguyễn Khắc Định điều hành"), the name that ends it: a capitalised run, or three lower-case words."""
    window = text[start:end]
    found = [n for n, at, _ in _spoken(window) if not window[at:].lower().startswith(_SELF_WORDS)]
    if found:
        return found
    titled = _TITLED_OTHER.search(window)
    said = titled.group(1) if titled is not None else ""
    if said.islower() and is_name(said) and not any(_STOP.fullmatch(w) for w in fold(said).split()):
        return [_title_case(said.split())]  # "… anh phó chủ tịch trần quốc việt điều hành tiếp"
    speaker = [m.end() for m in re.finditer(r"\b(?:tôi|tui|em|mình)\b", window, re.IGNORECASE)]
    other = [m.start() for m in _OTHER.finditer(window)]
    if speaker and not (other and other[-1] > speaker[-1]):
        return []  # the speaker presides ("tôi Hà Thị Kim, Chủ tịch Mặt trận xã, chủ trì")
    if other:  # someone called by given name or title ("cô hằng hiệu trưởng"), after any "tôi" ("tôi phải sang
        return [""]  # tiếp đoàn của tỉnh, phần còn lại anh Tuấn điều hành giúp tôi"): whoever speaks next
    if any(c.isupper() for c in window):
        last = _LAST_NAME.search(window)
        return [last.group(1).strip()] if last and is_name(last.group(1).strip()) else []
    words = re.findall(r"[^\W\d_]+", window)[-3:]
    if any(_STOP.fullmatch(fold(w)) and _GIVEN_NAME_NOT_TITLE.get(fold(w), w.lower()) == w.lower() for w in words):
        return []  # a title ends the window, the name before it is given alone ("cô hằng hiệu trưởng")
    return [_title_case(words)] if len(words) == 3 and is_name(" ".join(words)) else []


def gives_chair(text: str) -> bool:
    """Whether `text` hands the chair to someone named (`_given_chair`): procedure, never a task ("… tôi nhờ đồng chí
    X, Phó Trưởng đoàn, chủ trì tiếp")."""
    return _given_chair(text) is not None


def _given_chair(text: str) -> _Given | None:
    """Who `text` gives the chair to, if anyone: named before a verb of presiding that ends the sentence or names
    the meeting, invited to open it, given the chair by name, or listed as co-chairs."""
    text = nfc(text)
    folded = fold(text)
    for listed in (_CHAIRS_LISTED, _CHAIR_TO, _CHAIR_IS, _OPEN_CALL):
        match = listed.search(folded)
        if match is not None:
            end = match.end("who") if listed is _OPEN_CALL else match.end()  # not "… phát biểu khai mạc" as a name
            names = _named_before(text, match.start(), end)
            if listed is _CHAIR_IS and not match.group("listed"):
                names = names[:1]  # "chủ trì hội nghị đồng chí X … cùng dự có đồng chí Y": the roll goes on
            if names:
                shared = listed is _CHAIRS_LISTED and bool(re.search(r"\btoi\b", folded[: match.start()]))
                return _Given(names, shared, _called(text[match.start() : end]) if names == [""] else "")
    clause = 0
    own_part = False  # the speaker said they preside over a part ("Tôi điều hành hai nội dung đầu, bà X …")
    for verb in _CHAIR_VERB.finditer(folded):
        start = max([clause, *(m.end() for m in re.finditer(r"[.;:!?]", folded[: verb.start()]))])
        clause = verb.end()
        if _ASSIGNED.search(folded, start, verb.end()):
            continue  # "tôi được đồng chí Chủ tịch giao chủ trì": the speaker presides
        if _CONDITION.search(folded, start, verb.start()):
            continue  # "nếu tôi phải về sớm thì chị X điều hành tiếp": not yet handed over
        invitations = [m.end() for m in re.finditer(r"\b(?:moi|cho)\b", folded[start : verb.start()])]
        invited = bool(invitations)
        start += invitations[-1] if invitations else 0  # "có chị X về dự tôi xin mời anh Y điều hành": the one invited
        after = _CHAIR_AFTER.match(folded, verb.end())
        part = _PART_BEFORE.search(folded, start, verb.start())  # "phần còn lại tôi giao cô X chủ trì, tôi ngồi nghe"
        own = re.search(r"(?<!thay )(?<!thay cho )\b(?:toi|tui|em|minh)\s+$", folded[start : verb.start()])
        done = _PART_DONE.match(folded, verb.end()) is not None  # "… tôi điều hành đến đây là xong": handed over
        own_part = own_part or (bool(own) and not done)
        if not (invited or after or part) or own:
            continue  # "… anh X đi họp ở tỉnh nên anh ấy giao tôi chủ trì": the speaker presides; not "X thay tôi …"
        names = _named_before(text, start, verb.start())
        if names == [""] and not invited and re.fullmatch(r"\s*(?:[.;!?]|$)", after.group() if after else ""):
            continue  # "… vận động, anh quý chủ trì": who leads a task, not the meeting
        if names:
            with_speaker = bool(re.search(r"\b(?:toi|tui|chung toi)\b", folded[start : verb.start()]))
            shared = verb.group("co") is not None or bool(re.search(r"\btoi va\b", folded[start : verb.start()]))
            called = _called(text[start : verb.start()]) if names == [""] else ""
            return _Given(names, shared or own_part, called, others=shared and not with_speaker)
    return None


def _called(window: str) -> str:
    """The given name or title someone is called by at the end of `window` (`_CALLED`), else ""."""
    called = [m.group(1) for m in _CALLED.finditer(window)]
    return called[-1] if called else ""


_ORDINALS = frozenset(["hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "út"])
"""The birth-order words of Southern nicknames ("anh tư Lộc", "chị năm Diệu", "anh ba"): no family name."""
_FAMILY_HEADS = frozenset(["Đoàn"])
"""A family name that also heads a body's name: three capitalised words or more after it are a person ("Đoàn Bá
Thông"); a body keeps a word in lower case ("Đoàn Thanh niên", "Đoàn kiểm tra")."""


_CLERGY = re.compile(_CLERGY_TITLES)
"""Titles of clergy and of a Khmer pagoda's lay leader ("Acha"), before the name: a monk's name may have two words; the
Cao Đài address of fellow believers ("hiền huynh", "hiền tỷ") and its ranks ("Lễ sanh", "Giáo hữu"), capitalised
inside a sentence as titles are ("Tôi là Lễ sanh Phạm Văn Kỉnh")."""
_TEKNONYM = re.compile(r"(?:ama|ami|amí|a (?:ma|mí|mi)|bok|yă) ")
"""A Highland parent or grandparent called after the child ("Ama H'Ruê", ASR's "a ma pui", "Ami Hoa", "Bok Rin"): no
full name."""


def is_name(text: str) -> bool:
    """Whether `text` reads as a person's full name: two to four words, no digits, no title first, not a nickname of
    birth order and given name ("Tư Lộc"); cased text capitalises every word, lower-case text holds no function
    word."""
    text = nfc(text).strip()
    words = text.split()
    family = len(words) >= 3 and words[0] in _FAMILY_HEADS and all(w[:1].isupper() for w in words)
    if not 2 <= len(words) <= 4 or _ANONYMOUS.search(fold(text)) or (_TITLE_START.match(text.lower()) and not family):
        return False
    if len(words) == 2 and words[0].lower() in _ORDINALS:
        return False
    if _TEKNONYM.match(text.lower()):
        return False
    cased = any(c.isupper() for c in text)
    if _VERB_PAIRS.search(text.lower()):
        return False
    if cased:
        return all(w[:1].isupper() for w in words)
    family_ong = words[0] == "ông" and words[1] in ("văn", "thị")  # the family name Ông ("ông thị lụa")
    anh = len(words) == 4 and words[1] in ("văn", "thị") and words[3] == "anh"  # "ngô thị lan anh", "lê văn tuấn anh"
    given = words[1] in ("văn", "thị")  # after the middle name, a given name that is also a word: "Âu Văn Được"
    return not any(
        w in _FUNCTION_WORDS and not (given and i > 1 and w in _GIVEN_TOO)
        for i, w in enumerate(words[: len(words) - anh])
        if i >= family_ong
    )


def _title_case(words: Sequence[str]) -> str:
    """Each word capitalised, and after the apostrophe of a Highland name too ("h'lina" is "H'Lina")."""
    return " ".join(re.sub(r"(['’])(\w)", lambda m: m[1] + m[2].upper(), w[:1].upper() + w[1:]) for w in words)


def spoken_names(text: str) -> list[str]:
    """Full names said after an honorific ("đồng chí", "đại biểu", "ông", "bà", "anh", "chị", "thầy", "cô") or
    "tôi (là)", in the order said, written with capitals.

    In cased text a name is a run of capitalised words; in lower-case text (ASR) it runs until a title, a verb
    of procedure or the end of the sentence, and must hold no function word.
    """
    return [name for name, _, _ in _spoken(text)]


def _spoken(text: str) -> list[tuple[str, int, int]]:
    """`spoken_names` with where each was said: (name, start of its honorific, end of the name) in `nfc(text)`.

    An honorific after a plural or another honorific is a group ("các anh chị …"); in cased text a capitalised
    honorific inside a sentence belongs to a proper name ("đường Ông Ích Khiêm", "Bà Mẹ Việt Nam Anh hùng"); in
    lower case a name has three or four words, never starting with a title or verb: two words after an honorific
    are a given name and a verb ("anh ghi nhận", "tôi giải thích"), not a full name.
    """
    text = nfc(text)
    folded = fold(text)
    cased = any(c.isupper() for c in text)
    names: list[tuple[str, int, int]] = []
    for match in _INTRODUCER.finditer(text):
        before = text[: match.start()]
        said = match.group().lower().strip()
        clergy = _CLERGY.fullmatch(said) is not None  # "ông acha sơn sà ry": a title, no group
        if (
            not said.startswith("tôi") and not said.endswith("là") and not clergy and _COLLECTIVE_BEFORE.search(before)
        ) or (said == "em" and _COUNTED.search(before)):
            continue
        if (
            cased
            and match.group()[0].isupper()
            and before.strip()
            and before.strip()[-1] not in '.!?:;"(-–'
            and not clergy
        ):
            continue
        words: list[str] = []
        previous = end = match.end()
        ended = True
        titled = False  # a title said right after the name
        stopped = False  # a title, a verb of procedure or a unit said right after the name
        for word in _WORD.finditer(text[match.end() :]):
            if text[previous : match.end() + word.start()].strip():
                break  # a comma or a dash ends the name
            acronym = len(word.group()) > 1 and word.group().isupper()  # a unit or a role: "anh X QA", "chị Y HR"
            if cased and (
                not word.group()[0].isupper() or acronym or (len(words) >= 2 and _TITLE_AHEAD.match(text, previous))
            ):
                if len(words) == 4 and words[1].lower() in _GENDERED_MIDDLE and _joins_next(words, word.group()):
                    words = words[:3]  # "anh Hứa Văn Tài Nông trường Lộc Thạnh": the unit, capitalised
                break  # "đồng chí Hà Văn Pản Chủ tịch UBND xã …": the title, capitalised, ends the name
            stop = _STOP.match(folded, match.end() + word.start()) if not cased else None
            if stop is not None and _GIVEN_NAME_NOT_TITLE.get(stop.group()) not in (None, word.group().lower()):
                stop = None  # "đào xuân trường giám đốc": "Trường" is the name, "trưởng" would be the title
            if stop is not None and not words and " " not in stop.group():
                stop = None  # a family name folds like a one-word title or verb ("Tòng", "Tống", "Trương")
            if (
                stop is not None
                and not cased
                and len(words) == 2
                and words[1] in ("văn", "thị")
                and stop.group() not in _NEVER_GIVEN
            ):
                stop = None  # after the middle name the given name, whatever it folds like: "âu văn được phó …"
            ends = stop is None and bool(words) and not cased
            if ends:
                stop = _ENDS_NAME.match(text.lower(), match.end() + word.start())
            if stop is not None:
                if (
                    len(words) == 4
                    and words[1] in _GENDERED_MIDDLE
                    and (
                        _UNIT_HEAD.match(folded, match.end() + word.start())
                        or (stop.group() == "truong" and words[3] in _UNITS)
                        or (ends and _joins_next(words, stop.group()))
                        or (words[3] in _FUNCTION_WORDS and words[3] not in _HONORIFICS | _CENTRAL_WORDS)
                    )
                ):  # "sình văn páo hạt trưởng chủ trì", "… trạm trưởng trạm bơm", "… sáng chi đoàn": title, unit;
                    # "chị mai thị bốn đi thay": a verb after the name
                    words = words[:3]
                elif len(words) == 4 and not cased and _highland_pair(words):
                    words = words[:2]  # "tui là danh sươl thanh niên ấp …"
                elif (
                    (len(words) == 4 or (len(words) == 3 and stop.group() == "truong"))
                    and not cased
                    and words[1] not in _GENDERED_MIDDLE
                    and _joins_next(words, word.group())
                ):
                    ended = False  # "anh chính hoàn thiện biên bản …", "o hằng cửa hàng trưởng …": the run ends inside
                    # a word, no title follows
                titled = _TITLE_WORD.match(folded, match.end() + word.start()) is not None
                stopped = True
                break
            if len(words) == 4:
                ended = cased  # lower case: a fifth word that ends nothing, so no name ("tôi thấy nghề may …")
                if (
                    not cased
                    and words[1] in ("văn", "thị")
                    and word.group() in _VERB_AFTER
                    and words[3] not in _FUNCTION_WORDS
                ):
                    ended = True  # "chị cao thị hồng nhung làm trưởng ban": four words, then the verb
                elif not cased and (words[1] in _GENDERED_MIDDLE or words[0] == "y"):
                    words, ended = words[:3], True  # "em hứa thị yến bên khoa dược …", "anh y bhim êban lo …": three
                elif not cased and _highland(words[:2]) and not _highland(words[2:]):
                    words, ended = words[:2], True  # "tui là danh sươl thanh niên ấp …"
                elif not cased and words[3] in _HONORIFICS:
                    words, ended = words[:3], True  # "anh y sai niê chị h'ăt mlô …": the roll's next person
                elif not cased and words[2] in _HONORIFICS and _highland(words[:2]):
                    words, ended = words[:2], True  # "chị h'lina mlô anh rơ châm sinh …"
                break
            previous = match.end() + word.end()
            words.append(word.group())
        if words:
            end = match.end() + len(" ".join(words))
        ong = not cased and titled and said == "ông" and len(words) == 2 and words[0].lower() in ("văn", "thị")
        if ong and not any(a <= match.start() < b for _, a, b in names):
            words = ["ông", *words]  # the family name Ông after no honorific: "ông văn định chủ tịch xã"
        khmer = stopped and len(words) == 2 and words[0] in _KHMER_FAMILIES  # pyvi joins "thạch_sóc"
        lower_ok = (len(words) >= 3 and (titled or not _one_word(words))) or (
            len(words) == 2 and (_highland(words) or (stopped and (words[0] in ("a", "y") or clergy)) or khmer)
        )  # "anh a thút trưởng thôn": the Bahnar and Sedang "A", "Y" before a given name; a monk ("lục cả kim sang")
        if ended and (cased or lower_ok) and is_name(" ".join(words)):
            names.append((_title_case(words), match.start(), end))
    if cased:
        names += [n for n in _listed(text) if not any(a <= n[1] < b for _, a, b in names)]
    names += [n for n in _titled(text) if not any(a <= n[1] < b for _, a, b in names)]
    here = _HERE.match(text) or (_HERE_CASED.match(text) if cased else None)
    counted = here is not None and _COUNTED.match(here["name"].split()[0] + " ") is not None  # "hai mươi sáu hộ có mặt"
    if here and is_name(here["name"]) and (cased or not _one_word(here["name"].split())) and not (names or counted):
        names.append((_title_case(here["name"].split()), here.start("name"), here.end("name")))
    return sorted(names, key=lambda n: n[1])


_HERE = re.compile(
    r"^\W*(?:(?:dạ|vâng|có|à|ờ)\W+){0,2}(?P<name>(?:[^\W\d_]+\s+){2,3}[^\W\d_]+)\s+(?:đây|có mặt)\b", re.IGNORECASE
)
"""A speaker answering the roll with their name ("vâng, quách đình nguyên đây ạ", "dạ Lò Văn Pọm có mặt")."""
_HERE_CASED = re.compile(
    r"^\W*(?:(?:Dạ|Vâng|Thưa \w+)\W+){0,2}(?P<name>(?:[A-ZÀ-Ỹ][^\W\d_]*\s+){2,3}[A-ZÀ-Ỹ][^\W\d_]*)(?:\s+xin\b|\s*[.,:])"
)
"""A speaker opening the turn with their own full name, in cased text ("Dạ, Tăng Văn Cơ.", "Đoàn Thị Tuyết xin trình:",
"Lý Văn Hên, ấp Trường Đông.")."""
_TITLED = re.compile(
    r"(?<!các )\b(?:tôi|tui|đồng chí|đại biểu|ông|bà|anh|chị|thầy|cô),?\s+(?=(?:phó |tổng )?(?:chủ tịch|chủ nhiệm"
    r"|bí thư|giám đốc|chánh|hiệu trưởng|thư ký|trưởng|\w+ trưởng|chỉ huy|thủ trưởng)\b)",
    re.IGNORECASE,
)
"""A person introduced by title before the name: the speaker ("tôi, Chủ tịch …") or another ("đồng chí Bí thư …")."""
_PLACE_UNITS = frozenset({"tỉnh", "huyện", "xã", "thôn", "bản", "phường", "quận", "trấn", "phố", "ấp", "xóm", "làng"})
"""Units a place's name follows ("huyện Mù Cang Chải"): a run after one is the place, not the person."""
_TITLE_NAME_END = re.compile(
    r"[.;:!?]|\b(?:xin|chủ trì|chủ tọa|điều hành|điều khiển|tuyên bố|thay mặt|rất|cảm ơn|đề nghị|mời|báo cáo|phát biểu"
    r"|đã|sẽ|đang|được|kính|thưa|đồng chí|anh|chị|ông|bà|cùng|và|có)(?!\w)",
    re.IGNORECASE,
)
"""Where a lower-case name said after a title ends: a verb, the next person, the end of the sentence."""
_CASED_TITLE_END = re.compile(r"[.;:!?]|(?<!\w)(?:đồng chí|anh|chị|ông|bà|tôi)(?!\w)")
"""Where the title and name end in cased text: the sentence or the next person (a body's name holds "và": "Sở Tài
nguyên và Môi trường")."""


def _titled(text: str) -> list[tuple[str, int, int]]:
    """A name said after the title, the speaker's own or another's. In cased text the first run of three capitalised
    words or more after the title, or the next item after a comma ("có đồng chí Bí thư Đảng ủy Lò Văn Hặc và …",
    "tôi, Chủ tịch Hội Cựu chiến binh xã, Đàm Văn Khuê, xin …"): of five or more the last three ("… tỉnh Lào Cai Trịnh
    Xuân Trường"), never three after a place's unit ("huyện Mù Cang Chải"). In lower case the three words before the
    verb or the next person ("tôi chủ tịch hội cựu chiến binh xã đàm văn khuê xin …"), the middle "Văn", "Thị" or "A",
    the first starting a word of its own (pyvi), as a title's place does not ("… trạm bơm cầu xe")."""
    found = []
    for said in _TITLED.finditer(text):
        cased = any(c.isupper() for c in text)
        stop = (_CASED_TITLE_END if cased else _TITLE_NAME_END).search(text, said.end())
        window = text[said.end() : stop.start() if stop else len(text)]
        name = _cased_after_title(window) if cased else _lower_after_title(window)
        if name:
            at = said.end() + window.index(name) if name in window else said.end()
            found.append((_title_case(name.split()), said.start(), at + len(name)))
    return found


def _cased_after_title(window: str) -> str:
    items = window.split(",")
    for k, item in enumerate(items[:2]):
        runs = re.findall(r"(?:(?<=\s)|^)((?:[A-ZÀ-Ỹ][^\s,]*\s+){2,}[A-ZÀ-Ỹ][^\s,]*)(?=\s|$)", item.strip())
        for run in runs if k == 0 else [r for r in runs if r == item.strip()]:
            words = run.split()
            before = item.strip()[: item.strip().index(run)].split()
            unit = bool(before) and before[-1].lower() in _PLACE_UNITS
            for n in (4, 3):
                name = words[-n:]
                place = n == len(words) and unit and words[1].lower() not in _GENDERED_MIDDLE  # not "xã Lò Văn Pọm"
                if (n == 4 and len(words) != 4) or place or len(words) < n:
                    continue
                if is_name(" ".join(name)) and not any(w[1:].isupper() for w in name):
                    return " ".join(name)
    return ""


def _lower_after_title(window: str) -> str:
    words = window.split()
    name = words[-3:]
    if len(words) < 3 or not is_name(" ".join(name)) or name[1].lower() not in _GENDERED_MIDDLE:
        return ""
    tokens = _fused(" ".join(words).lower())
    starts = {len(" ".join(tokens[:i])) + (i > 0) for i in range(len(tokens))}
    return " ".join(name) if len(" ".join(words[:-3])) + (len(words) > 3) in starts else ""


_PLURAL_ROLL = re.compile(
    r"\bcác (?:đồng chí|ông(?:,? bà)?|bà|anh(?:,? chị)?|chị|thầy(?:,? cô)?|cô|vị|đại biểu|thành viên|bác|chú|cụ)"
    r"\s*:?\s+"
    r"|\b(?:tham dự|dự họp|có mặt|thành phần(?: tham dự| dự họp)?)(?: có| gồm(?: có)?)?\s*:?\s+(?=[A-ZÀ-Ỹ])",
    re.IGNORECASE,
)
"""A roll: a plural honorific ("các đồng chí: …", "các bác: …") or the word for attending ("Tham dự có: …", "Có mặt Y
Khoa Niê, …"), then the names."""
_ITEM = re.compile(r"[^,;:–-]+")


def _listed(text: str) -> list[tuple[str, int, int]]:
    """Names listed after a plural honorific, in cased text ("Tham dự có các đồng chí: Hà Văn Pản, Chủ tịch xã; Lò Thị
    Ên và Lường Văn Chum"): each item between commas, semicolons or "và" that is wholly a full name of three or four
    capitalised words (two are as often a place: "Nà Lầu"), titles and places between them skipped."""
    found = []
    items = re.sub(r"\bvà\b", ", ", text)  # "và" as a comma, the positions kept
    for roll in _PLURAL_ROLL.finditer(text):
        end = next((m.start() + roll.end() for m in re.finditer(r"[.!?]", text[roll.end() :])), len(text))
        for item in _ITEM.finditer(items, roll.end(), end):
            words = _WORD.findall(item.group())
            said = item.group().strip()
            whole = said == " ".join(words) and all(w[:1].isupper() for w in words)
            highland = len(words) == 2 and _highland([w.lower() for w in words])  # "Ksor Nhất", "H'Nhi Êban"
            if (3 <= len(words) <= 4 or highland) and whole and is_name(said):
                at = item.start() + item.group().index(said)
                found.append((said, at, at + len(said)))
    return list(dict.fromkeys(found))  # two rolls heading one list ("Thành phần gồm các thành viên: …")


_TITLE_AHEAD = re.compile(
    r"\s*(?:phó |tổng )?(?:chủ tịch|chủ nhiệm|bí thư|giám đốc|hiệu trưởng|thư ký"
    r"|trưởng (?:phòng|ban|thôn|bản|khoa|đoàn)|chánh (?:văn phòng|án|thanh tra))(?!\w)",
    re.IGNORECASE,
)
"""A title after a cased name without a comma between ("đồng chí Hà Văn Pản Chủ tịch UBND xã")."""
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
"""A word of a name, with the apostrophe of Central Highlands names ("H'Hen Niê", "K'Sor H'Bơ Khăp", "Ka H'Yến")."""


@functools.lru_cache(maxsize=4096)
def _fused(phrase: str) -> tuple[str, ...]:
    return tuple(ViTokenizer.tokenize(phrase).split())


_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", *"bcdđghklmnprstvx", "")
_OPEN_NUCLEI = frozenset(
    re.findall(
        r"\w+",
        "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uơ uy ưa ưi ưu iêu yêu oai oay oeo"
        " uây uôi ươi ươu uya uyu",
    )
)
"""Vowels that may end a Vietnamese syllable ("ba", "khuê", "phơi", "siu")."""
_CLOSED_NUCLEI = frozenset(re.findall(r"\w+", "a ă â e ê i o ô ơ u ư y oa oă oe uâ uê uy iê yê uô ươ uyê oo"))
"""Vowels a final consonant may follow ("ăn", "biên", "khuyên"); "ă", "â", "iê", "uô", "ươ" need one."""
_CODAS = ("ch", "nh", "ng", "c", "m", "n", "p", "t")
_TONES = str.maketrans(
    "àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ",
    "aaaaaăăăăăâââââeeeeeêêêêêiiiiioooooôôôôôơơơơơuuuuuưưưưưyyyyy",
)


def _syllable(word: str) -> bool:
    """Whether `word` is one Vietnamese syllable: an onset, a vowel and a final consonant that the language allows.
    A Central Highlands name often is none ("Ksor", "Mlô", "Byă", "Niê", "Êban", "Knul")."""
    bare = word.lower().translate(_TONES)
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        rhyme = bare[len(onset) :]
        if rhyme in _OPEN_NUCLEI or any(rhyme.endswith(c) and rhyme[: -len(c)] in _CLOSED_NUCLEI for c in _CODAS):
            return True
    return False


def _highland(words: Sequence[str]) -> bool:
    """Whether two lower-case words read as a name of the Central Highlands (Ede, Jarai, Bahnar …), which has two words
    ("ksor phơi", "h'lina mlô"): one has an apostrophe or is no Vietnamese syllable, which no phrase of the language
    holds."""
    return len(words) == 2 and any("'" in w or "’" in w or not _syllable(w) for w in words)


def _highland_pair(words: Sequence[str]) -> bool:
    """Whether a lower-case run of four words is a Highland or Khmer name of two and two other words ("danh sươl thanh
    niên"), not one of three or four ("ksor y phôn …", "siu h'nhi …")."""
    second = words[1]
    apart = "_" not in _fused(" ".join(words[1:3]).lower())[0]  # not "h'lina vận động": a name, then a verb
    return (
        _highland(words[:2]) and not _highland(words[2:]) and second not in ("y", "a") and "'" not in second and apart
    )


def _one_word(words: Sequence[str]) -> bool:
    """Whether pyvi reads a lower-case name's first two syllables as one word of the language ("hồ sơ nguyện vọng",
    "đăng ký hiến máu", "ghi nhận chiều nay"): a phrase, not a family and a middle name, unless the second is "Thị"
    or "Văn" ("thạch thị sô phia")."""
    return words[1] not in _GENDERED_MIDDLE and "_" in _fused(" ".join(words).lower())[0]


def _joins_next(words: Sequence[str], after: str) -> bool:
    """Whether pyvi makes the last of four `words` one word with the unit `after` them ("kiều văn sáng chi đoàn":
    "chi_đoàn", "lò văn sơn trung đội trưởng"): the name is the first three; of three, whether the last two make one
    word with it ("hằng cửa hàng trưởng": "cửa_hàng_trưởng"): a given name and a title, no full name."""
    pair = f"_{words[-1]}_{after}_" if len(words) == 4 else f"_{words[-2]}_{words[-1]}_{after}_"
    return any(pair.lower() in f"_{token}_" for token in _fused(" ".join([*words[1:], after]).lower()))


@dataclass(frozen=True)
class Chairing:
    """Who presides over each segment, and the names of those who chaired, in the order they took the chair."""

    presiding: list[str | None]
    """The speaker label of the chair for each segment of the transcript (same order)."""
    names: list[str]


def opener(segments: Sequence[Segment]) -> str | None:
    """The speaker label of whoever declares the meeting open, else of the first who says they preside ("Tôi là
    Phan Quốc Thái, Chi cục trưởng, chủ trì."), else of the first who begins it ("tôi … xin bắt đầu"), if anyone
    does."""
    for said in (_OPENS, _PRESIDES, _PRESIDER_IS_ME, _ASSIGNED, _BEGINS):
        found = next((s.speaker for s in segments if s.speaker and said.search(fold(s.text))), None)
        if found is not None:
            return found
    return None


def chairing(segments: Sequence[Segment], chair: str | None) -> Chairing:
    """The chair over the meeting: `chair` (a speaker label) or the speaker who declares it open, then whoever
    the chair hands over to, and co-chairs named with them. Names come from named speaker labels, the words that give
    the chair, the speaker's own introduction or, last, how the next speaker addresses them (`addressed`). Whoever
    gives the chair before any is taken, and never opened the meeting themself, is a master of ceremonies, not a chair
    ("Xin kính mời đồng chí X chủ trì hội nghị")."""
    opened = opener(segments)
    current = chair or opened
    presiding: list[str | None] = []
    order: list[str] = [current] if current else []
    co_chairs: dict[str, list[str]] = {}  # label of the chair when named -> names of those who chair with them
    learnt: dict[str, str] = {}
    pending: tuple[str | None, str] | None = None  # (who handed over, the name said)
    people: list[str] | None = None  # full names said in the meeting, for a chair called by given name
    for segment in segments:
        if pending is not None and segment.speaker and segment.speaker != pending[0]:
            named = _label_of(pending[1], segments)
            current = named or segment.speaker
            if pending[1]:
                learnt.setdefault(current, pending[1])
            if current not in order:
                order.append(current)
            pending = None
        presiding.append(current)
        given = _given_chair(segment.text)
        if given is None:
            continue
        if given.called and not given.names[0]:
            people = list(mentions(segments)) if people is None else people
            given = _Given(_called_person(given.called, people, segments) or given.names, given.shared, given.called)
        if given.shared and not (given.others and current is None):
            chairs_with = current if given.others else segment.speaker  # invited co-chairs join whoever presides
            co_chairs.setdefault(chairs_with or "", []).extend(n for n in given.names if n)
            continue
        so_far = segments[: len(presiding)]
        said = [fold(s.text) for s in so_far if s.speaker == segment.speaker]
        alone = all(s.speaker == segment.speaker for s in so_far)  # no one else spoke yet: the opening's announcements
        if (
            order == [segment.speaker]
            and segment.speaker != opened
            and alone
            and not any(map(_SAYS_PRESIDES.search, said))
        ):
            order = []  # a master of ceremonies
        pending = (segment.speaker, given.names[0])
        co_chairs.setdefault(given.names[0], []).extend(n for n in given.names[1:] if n)
    introduced = introductions(segments)
    called = addressed(segments)
    held = titles(segments)
    names: list[str] = []
    for label in order:
        name = (
            label
            if is_name(label)
            else learnt.get(label)
            or introduced.get(label)
            or called.get(label)
            or _holder(label, held)
            or _called_by_given(label, segments)
        )
        names += [name, *co_chairs.get(label, []), *co_chairs.get(name, [])]
    unique: dict[str, str] = {}
    for name in names:
        if name:
            unique.setdefault(fold(name), name)
    return Chairing(presiding, list(unique.values()))


def _holder(label: str, held: dict[str, str]) -> str:
    """The one person whose title, said after their name in the meeting, the speaker label is ("Chủ tịch HĐQT" after
    "ông Phạm Văn Cường, Chủ tịch; ông Vũ Đức Thịnh, Phó Chủ tịch"): the longest title the label starts with, its body
    said short after it (two words at most), or that starts with the whole label; "" when none."""
    said = fold(label).split()
    fits = [
        title.split()
        for title in held
        if (said[: len(title.split())] == title.split() and len(said) - len(title.split()) <= 2)
        or title.split()[: len(said)] == said
    ]
    longest = max(map(len, fits), default=0)
    names = {held[" ".join(t)] for t in fits if len(t) == longest}
    return next(iter(names)) if len(names) == 1 else ""


def _label_of(name: str, segments: Sequence[Segment]) -> str | None:
    """The speaker label that is `name`, else the one label ending with it: a full name, or a given name of two words
    said without the family name ("chị Sa Ly" is Thạch Thị Sa Ly)."""
    wanted = fold(name)
    labels = list(dict.fromkeys(s.speaker for s in segments if s.speaker))
    exact = [label for label in labels if fold(label) == wanted]
    ending = [label for label in labels if wanted and fold(label).endswith(f" {wanted}")]
    found = exact or (ending if len(ending) == 1 else [])
    return found[0] if found else None


def _called_person(called: str, people: Sequence[str], segments: Sequence[Segment]) -> list[str]:
    """The one person present called by `called`: a given name ending their full name, else said first as Ede and Jarai
    names say it ("bà H'Linh" is H'Linh Mlô, "anh Wơn" Y Wơn Niê), or a title said after their name ("đồng chí lục văn
    hào chủ tịch …" called "đồng chí chủ tịch"); [] when none or several."""
    wanted = fold(called)
    if " " in wanted:
        held = titles(segments)
        full = list(dict.fromkeys(n for t, n in held.items() if f"{t} ".startswith(f"{wanted} ")))
    else:
        full = [p for p in people if fold(p).split()[-1] == wanted] or [
            p for p in people if _highland_given(fold(p).split(), wanted)
        ]
    return full[:1] if len(full) == 1 else []


def _highland_given(words: Sequence[str], wanted: str) -> bool:
    """Whether `wanted` is the given name of a Central Highlands name, said before the family name: a word with an
    apostrophe ("H'Linh"), or the word after "Y" ("Y Wơn Niê")."""
    return any(w == wanted and ("'" in w or (i == 1 and words[0] == "y")) for i, w in enumerate(words[:-1]))


_INVITED_BY_GIVEN = re.compile(
    r"\bmời (?:anh|chị|em|cô|chú|bác|ông|bà|thầy|đồng chí) (\w+)(?:\s+(?:ạ|nha|nhé|nghen|luôn|trước))?\W*$",
    re.IGNORECASE,
)
"""A turn ending by inviting someone called by given name ("dạ em mời anh hên"): the next speaker is that person."""
_GREETED_BY_GIVEN = re.compile(
    r"^\W*(?:(?:dạ|vâng|dạ vâng|rồi)\W+)?(?:(?:xin )?(?:cảm ơn|cám ơn)\s+|thưa\s+)?"
    r"(?:anh|chị|cô|chú|bác|ông|bà|thầy|đồng chí) (\w+)\b",
    re.IGNORECASE,
)
"""A turn opening by calling the one who just spoke by given name ("dạ anh hùng đi cẩn thận", "dạ cảm ơn anh hên
thưa bà con …")."""


def _called_by_given(label: str, segments: Sequence[Segment]) -> str:
    """The full name of anonymous speaker `label` from the given name others call them by right before their turn
    (an invitation ending the turn before) or right after it (a reply opening the next turn): the one person of the
    meeting whose full name ends with the given name most said so; "" when none, or the name is the label's own
    word for someone else."""
    people = [p for p in mentions(segments) if len(p.split()) >= 3]
    own = " ".join(fold(s.text) for s in segments if s.speaker == label)
    votes: dict[str, int] = {}
    for before, segment in itertools.pairwise(segments):
        if segment.speaker == label and before.speaker not in (None, label):
            said = _INVITED_BY_GIVEN.search(nfc(before.text))
        elif before.speaker == label and segment.speaker not in (None, label):
            said = _GREETED_BY_GIVEN.match(nfc(segment.text))
        else:
            continue
        holders = [p for p in people if said and fold(p).split()[-1] == fold(said.group(1))]
        if len(holders) == 1 and fold(holders[0]) not in own:
            votes[holders[0]] = votes.get(holders[0], 0) + 1
    return max(votes, key=lambda name: votes[name]) if votes else ""


def introductions(segments: Sequence[Segment]) -> dict[str, str]:
    """Speaker label -> the name an anonymous speaker gives themselves ("tôi hoàng văn pao chủ tịch …"): only a name
    the speaker says of themself, not one they go on to name ("tôi xin khai mạc … có đồng chí nguyễn văn an … về
    dự")."""
    found: dict[str, str] = {}
    for segment in segments:
        label = segment.speaker
        if label and not is_name(label) and label not in found:
            said = _SELF.search(nfc(segment.text))
            if said is None:
                continue
            rest = nfc(segment.text)[said.start() :]
            own = [n for n, at, _ in _spoken(rest) if at < said.end() - said.start() or _SELF.match(rest, at)]
            if own:
                found[label] = own[0]
    return found


_ADDRESSES = re.compile(r"^\W*(?:(?:dạ|vâng|kính|xin)\W+){0,3}thưa\s+", re.IGNORECASE)
"""A turn opening by addressing someone ("dạ thưa đồng chí …", "kính thưa anh …")."""


def addressed(segments: Sequence[Segment]) -> dict[str, str]:
    """Anonymous speaker label -> the full name the next speaker calls them by, opening their answer ("Người nói 1:
    mời đồng chí kiên báo cáo" then "Người nói 2: dạ thưa đồng chí vi văn lợi chủ tịch hội đồng …"); never a name the
    label says itself (a guest it announced, whom the next speaker greets first)."""
    own: dict[str, str] = {}
    for segment in segments:
        if segment.speaker:
            own[segment.speaker] = own.get(segment.speaker, "") + " " + fold(segment.text)
    found: dict[str, str] = {}
    for before, segment in itertools.pairwise(segments):
        label = before.speaker
        if not label or is_name(label) or label in found or segment.speaker in (None, label):
            continue
        text = nfc(segment.text)
        opening = _ADDRESSES.match(text)
        names = [n for n, at, _ in _spoken(text) if at == opening.end()] if opening else []
        if names and fold(names[0]) not in own[label]:
            found[label] = names[0]
    return found


def mentions(segments: Sequence[Segment]) -> dict[str, Segment]:
    """Each person present -> the first segment that names them (as its speaker label or in its words), in
    order: what a statement using their full name cites."""
    unique: dict[str, tuple[str, Segment]] = {}
    answering = _answers(segments)
    for segment in segments:
        named = [nfc(segment.speaker)] if segment.speaker and is_name(segment.speaker) else []
        named += [answering[segment.id]] if segment.id in answering else []
        for name in [*named, *spoken_names(segment.text)]:
            unique.setdefault(fold(name), (name, segment))
    longer = [k.split() for k in unique]
    cut = {  # "Hà Thị Minh" of "hà thị minh thu kỳ họp …"; "Minh Châu", the given name of Tôn Nữ Minh Châu
        k
        for k in unique
        for n in [len(k.split())]
        if any(len(w) > n and (w[:n] == k.split() or (n == 2 and w[-n:] == k.split())) for w in longer)
    }
    said = {k: name.lower().split() for k, (name, _) in unique.items()}
    given: dict[tuple[str, ...], set[str]] = {}  # with tones: "Lê" is no "Lệ"
    for k, w in said.items():
        for part in [] if k in cut else [*(tuple(w[-n:]) for n in (1, 2) if len(w) >= 3), *_highland_called(w)]:
            given.setdefault(part, set()).add(k)
    own = _own_names(segments)
    called = {  # "chị nga hợp lý", "cô oanh ký", "chị chanh đa chuyển …": Nga, Oanh, Chanh Đa, then other words; not
        k  # a name someone gives as their own ("em là hà phương thảo" beside "Khúc Thị Thu Hà")
        for k, w in said.items()
        if any(given.get(tuple(w[:n]), set()) - {k} and len(w) > n for n in (1, 2))
        and (len(w) < 3 or w[1] not in _GENDERED_MIDDLE)
        and k not in own
    }
    return dict(v for k, v in unique.items() if k not in cut | called)


_ANSWER = re.compile(r"^\W*(?:(?:dạ|vâng|có|thưa \w+)\W+){1,2}((?:[^\W\d_]+\s+){2,3}[^\W\d_]+)\b", re.IGNORECASE)
"""A turn opening with a particle and a full name ("dạ võ minh hiếu xưởng sấy …")."""


def _answers(segments: Sequence[Segment]) -> dict[int, str]:
    """Segment id -> the full name its speaker answers with, when the turn before, another speaker's, called them by
    the given name, last or after an honorific ("… sao rồi hiếu" then "dạ võ minh hiếu xưởng sấy ba lò …"): the three
    (or four) words that end with that given name."""
    found: dict[int, str] = {}
    for before, segment in itertools.pairwise(segments):
        if not segment.speaker or segment.speaker == before.speaker:
            continue
        opening = _ANSWER.match(nfc(segment.text))
        said = nfc(before.text).lower()
        called = {
            m[1] for m in re.finditer(r"(?:\b(?:anh|chị|em|cô|thầy|ông|bà|đồng chí|bạn)\s+|^)(\w+)(?=\s|$)", said)
        }
        called |= set(re.findall(r"(\w+)(?:\s+(?:ơi|à|nhé|nha|nghen|hả|đâu))?\W*$", said))  # "… sao rồi hiếu"
        if opening is None:
            continue
        words = opening.group(1).split()
        for n in (3, 4):
            name = words[:n]
            echo = " ".join(name[-2:]).lower() in said  # "… đường dẫn bờ bắc" then "dạ đoạn bờ bắc còn …"
            if (
                len(name) == n
                and name[-1].lower() in called
                and not echo
                and is_name(" ".join(name))
                and not _one_word(name)
            ):
                found[segment.id] = _title_case(name) if name[0].islower() else " ".join(name)
                break
    return found


def _highland_called(words: Sequence[str]) -> list[tuple[str, ...]]:
    """The given name of a Highland name, by which others call its bearer: the last of two words ("Ksor Phơi" is
    "Phơi"), the one with an apostrophe or after "Y" ("H'Lina Mlô" is "H'Lina", "Y Khuê Byă" "Khuê" or "Y Khuê")."""
    found: list[tuple[str, ...]] = [(w,) for w in words if _highland_given(words, w)]
    found += [tuple(words[:2])] if words[0] == "y" else []
    return [*found, (words[1],)] if len(words) == 2 and _highland(words) else found


_SAYS_OWN = re.compile(r"(?:tôi|tui)\b|(?:em|mình) (?:tên )?là\b", re.IGNORECASE)
"""A name the speaker surely gives as their own: after "tôi" or "em là" (a turn opening "em X …" may call someone)."""


def _own_names(segments: Sequence[Segment]) -> set[str]:
    """Folded names the speakers surely give as their own (`_SAYS_OWN`)."""
    return {fold(name) for s in segments for name, at, _ in _spoken(nfc(s.text)) if _SAYS_OWN.match(nfc(s.text), at)}


_TITLE_WORD = re.compile(
    r"(?:chu tich|chu nhiem|pho|truong|chanh|(?:tong )?giam doc|ke toan|thu quy|bi thu|thu ky|hieu truong|to truong"
    r"|uy vien|can bo|dieu duong truong)\b"
)
_TITLE_END = re.compile(
    r"[,.;:!?]|\b(?:trinh bay|phat bieu|giai trinh|tra loi|cho y kien|bao cao|(?<!giam )doc|xin|chu tri|chu toa"
    r"|thay mat|tham du|duoc|da|se|dang|toi|ghi|thay|ve|dieu hanh|phu trach)\b"
)


_BODY_IN_TITLE = re.compile(
    r"\b(?:pho |tong )?(?:chanh|truong|giam doc|chu tich|chu nhiem|bi thu|thu truong)\s+"
    r"(?=(?:van phong|cong ty|ban|phong|so|trung tam|chi cuc|cuc|vien|uy ban|doan|doi|tram|benh vien|ngan hang"
    r"|chi nhanh)\b)"
)
"""A person's title that names their body ("Chánh Văn phòng Đoàn đại biểu Quốc hội …", "tổng giám đốc công ty cổ
phần …", "Trưởng phòng Công tác Quốc hội"): the body's name follows."""
_BODY_END = re.compile(
    r"(?<!\w)(?:cùng|có|hôm nay|đồng chí|và (?:anh|chị|ông|bà)|đi công tác|đi học|vắng|nghỉ|bận|ốm)(?!\w)"
)
"""Where a body's name said in a title ends, besides `_TITLE_END`: the next person or clause, or why the person is away
("Phó Giám đốc Sở Y tế đi công tác", "… vắng có lý do") (with diacritics: "cổ phần" goes on)."""


def bodies(segments: Sequence[Segment]) -> list[str]:
    """The bodies the meeting names in full in someone's title, as said (at most 14 words, up to punctuation or what
    ends a title): where a task given to a body called short ("Văn phòng", "công ty hạ tầng") finds its name."""
    named = []
    for segment in segments:
        text = nfc(segment.text)
        folded = fold(text)
        for found in _BODY_IN_TITLE.finditer(folded):
            ends = [
                m.start()
                for m in (_TITLE_END.search(folded, found.end() + 1), _BODY_END.search(text.lower(), found.end() + 1))
                if m
            ]
            words = text[found.end() : min(ends, default=len(text))].split()
            if 2 <= len(words) <= 14:
                named.append(" ".join(words))
    return named


def titles(segments: Sequence[Segment]) -> dict[str, str]:
    """The title said right after a person's name (folded, "kế toán trưởng", "trưởng khoa nhi") -> that name, for
    the titles only one person holds: a task given to "đồng chí kế toán trưởng" names the person."""
    held: dict[str, set[str]] = {}
    for segment in segments:
        text = nfc(segment.text)
        folded = fold(text)
        named = [nfc(segment.speaker)] if segment.speaker and is_name(segment.speaker) else []
        for name in dict.fromkeys([*named, *spoken_names(text)]):
            for found in re.finditer(rf"\b{re.escape(fold(name))}\b", folded):
                after = folded[found.end() :].lstrip(" ,")
                if not _TITLE_WORD.match(after):
                    continue
                end = _TITLE_END.search(after, 1)
                words = after[: end.start() if end else len(after)].split()[:8]
                if words:
                    held.setdefault(" ".join(words), set()).add(name)
    return {title: next(iter(names)) for title, names in held.items() if len(names) == 1}


_NICKNAME = re.compile(rf"\b(?:anh|chị|ông|bà|cô|chú|bác|dì|cậu|thím)\s+({'|'.join(_ORDINALS)})\s+(\w+)", re.IGNORECASE)


def nicknames(segments: Sequence[Segment], people: Sequence[str]) -> dict[str, str]:
    """Southern nicknames, folded ("tu loc", and "tu" alone) -> the attendee whose given name follows the birth order
    word ("anh tư lộc" -> Trương Văn Lộc), where exactly one attendee's name ends so and only one person bears that
    birth order: "anh tư" said alone later is the same person."""
    given: dict[str, set[str]] = {}
    for name in people:
        given.setdefault(fold(name).split()[-1], set()).add(name)
    found: dict[str, set[str]] = {}
    for segment in segments:
        for match in _NICKNAME.finditer(nfc(segment.text)):
            order, name = fold(match.group(1)), fold(match.group(2))
            holders = given.get(name, set())
            if len(holders) == 1:
                found.setdefault(f"{order} {name}", set()).update(holders)
                found.setdefault(order, set()).update(holders)
    return {said: next(iter(names)) for said, names in found.items() if len(names) == 1}


_MENTIONED_BEFORE = re.compile(
    r"\b(?:của|hộ|nhà|gia đình|con|vợ|chồng|theo(?: ý kiến| chỉ đạo)?|do|đối tượng|bị cáo|bị hại|khách hàng"
    r"|bệnh nhân|nạn nhân|trong đó|hồ sơ(?: của)?|(?:học sinh|sinh viên|vận động viên|thí sinh|ứng viên|ứng cử viên)"
    r"|vắng(?: mặt)?|tiễn đưa)(?: là| có)?\s*[:,]?\s*$|\bcủa(?:\s+[^\W\d_]+){1,2}\s+$",
    re.IGNORECASE,
)
"""Words before an honorific that make the person someone talked about, not someone present ("hộ ông X", "của anh X",
"theo ý kiến của đồng chí X", "người bị hại là bà X", "vắng đồng chí X", "trong đó có cụ X"), also the owner of what
"của" names ("đơn hàng của công ty ông X"), applicants, pupils and athletes ("nhận được 3 hồ sơ: ông A, bà B và ông C",
"vận động viên X")."""
_ABSENT_AFTER = re.compile(
    r"^[^.;!?]{0,60}?\b(?:vắng|nghỉ(?! giải lao| giữa giờ| trưa)|ốm|nằm viện|đi (?:công tác|học|họp|tập huấn|cơ sở)"
    r"|đang đi|bận|chưa (?:về|đến|tới)|bị (?:tai nạn|bệnh|ốm|thương|gãy)"
    r"|(?:nói|nhắn|báo|gọi)(?: điện| lại)? (?:với|cho) (?:em|tôi|tui|mình)\b|qua điện thoại"
    r"|không (?:về )?(?:dự|tham dự|tham gia|đến|có mặt)|qua đời|từ trần|đã mất|an nghỉ)\b",
    re.IGNORECASE,
)
"""Absence said after the name, in its sentence ("đồng chí X, đại biểu huyện, vắng mặt có lý do", "… nghỉ chế độ thai
sản", "… đi học lớp bồi dưỡng", "… báo bận", "… đang đi ký ngoài trụ sở", "… đi biển chưa về", "… đang nằm viện", "…
bị tai nạn gãy chân"), or what they told the speaker ("anh X bên trung tâm có nói với em qua điện thoại …"): someone
present speaks for themself; not a break ("nghỉ giải lao")."""
_PUPIL_AFTER = re.compile(r"^\s*,?\s*(?:học sinh |sinh viên )?lớp (?!trưởng|phó)\w", re.IGNORECASE)
"""A pupil's class said after the name ("em Vàng A Páo lớp 7A", "em … lớp chín"): a child talked about, not the class
monitor ("lớp trưởng")."""
_KIN_AFTER = re.compile(
    r"^\s*,\s*(?:con|vợ|chồng|cháu|mẹ|bố|cha|em|anh|chị) (?:(?:ruột|gái|trai|nội|ngoại) )?(?:của )?"
    r"(?:ông|bà|anh|chị|cô|chú|bác|cụ|đồng chí|hộ|gia đình)\b",
    re.IGNORECASE,
)
"""A relative said after the name ("em Nguyễn Thị Hoa, con ông Tý, …", "bà X, vợ ông Y"): someone talked about."""
_ABSENT_LIST = re.compile(
    r"\b(?:vắng|(?:làm|nộp|gửi) đơn|hồ sơ|ứng (?:cử )?viên)\b[^.;:!?]{0,40}:[^.!?]*"
    r"|\bvắng(?: mặt)?(?: có lý do)?,?\s+(?:đồng chí|ông|bà|anh|chị|cô|thầy)\b"
    r"(?:(?!\b(?:còn|nhưng|riêng|mời)\b)[^.;!?])*",
    re.IGNORECASE,
)
"""The absent listed after a colon ("Vắng có lý do ba thành viên: thầy A …, cô B … và anh C …"), or after "vắng" to the
sentence's end, each with why ("vắng đồng chí A bên Công an đi họp, đồng chí B đi cơ sở"), up to "còn", "nhưng", "mời";
applicants listed ("có hai người nộp đơn: chị A, thợ …; anh B …"): people talked about."""
_PRESENT = re.compile(
    r"\b(?<!không )(?<!chưa )(?:mời|giới thiệu|tham dự|về dự|đến dự|dự họp|có mặt|chủ trì|chủ tọa|điều hành"
    r"|điều khiển)\b",
    re.I,
)
"""Presence said in the name's clause, which no word of `_MENTIONED_BEFORE` undoes ("cuộc họp do ông X chủ tọa"); not
denied ("không về dự được")."""


def _only_mentioned(segments: Sequence[Segment]) -> set[str]:
    """Folded names said by others only as people talked about or absent, never as a speaker, given the floor or
    introducing themselves. A name joined to such a one by "và" or a comma is talked about too ("vắng đồng chí A và
    đồng chí B", "của anh A và chị B"). Presence is looked for from where the talk about them begins: the roll before it
    is others' ("có mặt 12, vắng đồng chí X đi tập huấn"), to the clause's end or 60 characters after the name, as far
    as absence is (an unpunctuated turn is one clause: "anh X … đi họp ở tỉnh nên anh ấy giao tôi chủ trì")."""
    talked: set[str] = set()
    present = {fold(s.speaker) for s in segments if s.speaker and is_name(s.speaker)}
    for segment in segments:
        text = nfc(segment.text)
        previous: tuple[int, int | None] = (-1, None)  # end of the last name said, where talk about it began
        listed = [m.span() for m in _ABSENT_LIST.finditer(text)]
        for name, start, end in _spoken(text):
            clause_start = max([0, *(m.end() for m in re.finditer(r"[.;:!?]", text[:start]))])
            clause_end = next((m.start() + end for m in re.finditer(r"[.;:!?]", text[end:])), len(text))
            clause_end = min(clause_end, end + 60)
            joined = previous[1] is not None and re.fullmatch(r"\s*(?:,|và|cùng)\s*", text[previous[0] : start])
            listed_after = text[clause_start - 1 : clause_start] == ":" and not text[clause_start:start].strip()
            cue_start = (
                max([0, *(m.end() for m in re.finditer(r"[.;!?]", text[:start]))]) if listed_after else clause_start
            )
            cue = _MENTIONED_BEFORE.search(text, cue_start, start)  # "… 3 hồ sơ: ông A, bà B": the list's head
            if cue and cue.group().lower().startswith("hộ có") and _COUNTED.search(text[: cue.start()]):
                cue = None  # households counted present, then the roll: "có mặt hai mươi hộ có anh X …"
            since = (
                previous[1]
                if joined
                else cue.start()
                if cue
                else start
                if _ABSENT_AFTER.match(text[end:]) or _KIN_AFTER.match(text[end:]) or _PUPIL_AFTER.match(text[end:])
                else None
            )
            since = next((a for a, b in listed if a <= start < b), since)
            if _own_name(text, start):
                since = None
            if since is not None and not _presence(text, since, clause_end):
                talked.add(fold(name))
            else:
                present.add(fold(name))
            previous = (end, since)
    return talked - present


_OTHER_INVITED = re.compile(r"(?:\s+(?:kính|xin))*\s+(?:đồng chí|ông|bà|anh|chị|cô|thầy|bạn|em|o)\b", re.IGNORECASE)


def _presence(text: str, start: int, end: int) -> bool:
    """Whether presence is said in `text[start:end]` (`_PRESENT`), not an invitation of someone else named after it
    ("anh A đi công tác xin vắng em kính mời anh B chủ trì": A is absent)."""
    for said in _PRESENT.finditer(text, start, end):
        invites = said.group().lower() in ("mời", "giới thiệu")
        if not (invites and _OTHER_INVITED.match(text, said.end()) and said.start() > start + 1):
            return True
    return False


def _own_name(text: str, start: int) -> bool:
    """Whether the name at `start` is the speaker's own: after "tôi", "tui", or "em", "mình" opening the turn ("dạ em
    X …") or saying who they are anywhere ("Thưa chủ tọa, em là X"); "em" inside it is a child talked about ("…
    bổ sung: em Nguyễn Thị Hoa, con ông Tý, …")."""
    said = text[start:].lower()
    opening = re.fullmatch(r"\W*(?:(?:dạ|vâng|thưa \w+),?\s*)?", text[:start], re.IGNORECASE) is not None
    called = re.match(r"(?:em|mình) (?:tên )?là\b", said) is not None
    return said.startswith(("tôi", "tui ")) or called or (opening and said.startswith(("em ", "mình")))


_ROLL = re.compile(
    r"\b(?:có|gồm)\b(?!\s+(?:điều|thể|lẽ|khi|lúc|phải|nên|ai|người|mấy|nhiều|vài|\d+|một|hai|ba|bốn|năm|sáu|bảy|tám"
    r"|chín|mười)\b)"
)
"""A roll before the name in its sentence ("Dự họp có đồng chí A, …; đồng chí B …"); not "có điều", "có thể", nor a
count of those talked about ("có 14 em về bản …, còn 2 em chưa quay lại là em X")."""


def _said_present(segments: Sequence[Segment]) -> set[str]:
    """Folded names said with their presence: introducing themselves, or in a sentence that invites, introduces, gives
    the chair or says who attends (`_PRESENT`, or a roll before the name)."""
    found: set[str] = set()
    for segment in segments:
        text = nfc(segment.text)
        for name, start, end in _spoken(text):
            begins = max([0, *(m.end() for m in re.finditer(r"[.!?]", text[:start]))])
            ends = next((m.start() + end for m in re.finditer(r"[.!?]", text[end:])), len(text))
            if (
                _own_name(text, start)  # not "em" inside a sentence: a pupil or an athlete talked about
                or _PRESENT.search(text, begins, ends)
                or _ROLL.search(text, begins, start)
            ):
                found.add(fold(name))
    return found


def attendees(segments: Sequence[Segment]) -> list[str]:
    """Named speakers, people who introduce themselves and people named when given the floor or as present, each
    once; not people only talked about (`_only_mentioned`). Where every speaker is named (the clerk's transcript,
    voiceprints), whoever never speaks attends only if said present (`_said_present`): a voter quoted, a client or a
    candidate discussed is none."""
    absent = _only_mentioned(segments)
    labels = [s.speaker for s in segments if s.speaker]
    named = bool(labels) and all(is_name(label) for label in labels)
    known = {fold(label) for label in labels} | _said_present(segments) if named else set()
    return [n for n in mentions(segments) if fold(n) not in absent and (not named or fold(n) in known)]


def with_chairs(present: Sequence[str], chairs: Sequence[str]) -> list[str]:
    """`present` and the chairs it lacks: whoever presides attends, though named only by title before the name ("phiên
    họp do phó chủ tịch quốc hội nguyễn khắc định điều hành": no honorific introduces it)."""
    said = [fold(p).split() for p in present]
    lacking = [c for c in chairs if not any(w[-len(fold(c).split()) :] == fold(c).split() for w in said)]
    return [*present, *lacking]
