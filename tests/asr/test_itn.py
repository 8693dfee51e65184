"""ITN: NeMo's Vietnamese grammar plus our conventions, on the real compiled grammar; and the verbaliser that
makes spoken forms from written text (training and evaluation data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from asr.itn import PROBES, InverseNormalizer, to_roman, vietnamese_conventions
from asr.number_forms import SmallNumberForms, count
from asr.verbalise import number_words, spoken, tokens


@pytest.fixture(scope="module")
def itn(tmp_path_factory: pytest.TempPathFactory) -> InverseNormalizer:
    return InverseNormalizer(tmp_path_factory.mktemp("models") / "itn-vi")


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("tăng mười hai phẩy năm phần trăm", "tăng 12,5%"),
        (
            "nghị quyết số một nghìn ba trăm bốn mươi ba trên en quy gạch u bê tê vê quy hát mười lăm đã thông qua",
            "nghị quyết số 1343/NQ-UBTVQH15 đã thông qua",
        ),
        ("luật số chín mươi mốt trên hai nghìn không trăm mười lăm trên quy hát mười ba", "luật số 91/2015/QH13"),
        ("quốc hội khóa mười lăm kỳ họp thứ mười", "quốc hội khóa XV kỳ họp thứ 10"),
        ("kỳ họp thứ tám lần thứ hai", "kỳ họp thứ 8 lần thứ hai"),
        ("chương một những quy định chung", "chương I những quy định chung"),
        ("theo điều ba khoản hai", "theo điều 3 khoản 2"),
        ("ngày mười lăm tháng chín năm hai nghìn không trăm hai mươi lăm", "ngày 15 tháng 9 năm 2025"),
        ("phạt từ mười triệu đồng đến một trăm năm mươi triệu đồng", "phạt từ 10.000.000 đồng đến 150.000.000 đồng"),
        ("hai triệu năm trăm nghìn đồng", "2.500.000 đồng"),
        ("năm mươi nghìn tỷ đồng", "50.000 tỷ đồng"),
        ("một triệu hai", "1,2 triệu"),
        ("mười bảy trên hai mươi mốt", "17/21"),
        ("ba mươi ki lô mét", "30 km"),
        ("xe hạng bê hai chở dưới ba nghìn năm trăm ki lô gam", "xe hạng B2 chở dưới 3.500 kg"),
        ("bốn mươi chín ngày của con bé kia", "49 ngày của con bé kia"),
        ("ngày ba mươi mốt tháng mười hai năm hai nghìn", "ngày 31 tháng 12 năm 2000"),
        ("đóng dưới mười lăm năm bốn mươi ngày", "đóng dưới 15 năm 40 ngày"),
        ("năm mươi miligam trên một trăm mililít", "50 miligam/100 mililít"),
    ],
)
def test_spoken_numbers_are_written_the_vietnamese_way(itn: InverseNormalizer, said: str, written: str) -> None:
    assert itn(said) == written


def test_words_that_are_not_numbers_stay(itn: InverseNormalizer) -> None:
    for text in (
        "tôi có một ý kiến",
        "phần thứ hai",
        "hai bên thống nhất",
        "máy bay không người lái",
        "vốn đầu tư bản địa",
        "họp một lần",
        "một người dân hỏi",
        "hai ba người",
        "thứ hai ngày mai",
        "tính theo số năm đã đóng",
        "",
    ):
        assert itn(text) == text


@pytest.mark.parametrize(
    ("said", "written"),
    [
        # labels and lists of them: NeMo would read "một hai ba" as 123
        ("theo các khoản một hai và bốn điều sáu", "theo các khoản 1 2 và 4 điều 6"),
        ("khoản ba bảy mười hoặc mười hai điều chín", "khoản 3 7 10 hoặc 12 điều 9"),
        ("theo mẫu số hai phụ lục ba", "theo mẫu số 02 phụ lục 3"),
        ("giai đoạn một và nhóm hai", "giai đoạn 1 và nhóm 2"),
        ("khoản hai năm hai nghìn không trăm hai mươi sáu", "khoản 2 năm 2026"),
        ("mức độ không đáng kể", "mức độ không đáng kể"),
        # single digits in a row are separate numbers, unless they are a digit string
        ("cứ năm năm một lần", "cứ 05 năm một lần"),
        ("gọi không chín một hai ba bốn năm sáu bảy tám", "gọi 091-234-5678"),
        ("tăng hai phẩy năm năm phần trăm", "tăng 2,55%"),
        ("năm hai không hai sáu", "năm 2026"),
        # dates as Nghị định 30/2020/NĐ-CP writes them
        ("ngày năm tháng hai năm hai nghìn không trăm hai mươi sáu", "ngày 05 tháng 02 năm 2026"),
        ("ngày mười tháng tám năm hai nghìn không trăm hai mươi sáu", "ngày 10 tháng 8 năm 2026"),
        ("từ tháng một năm hai nghìn không trăm hai mươi bảy", "từ tháng 01 năm 2027"),
        ("từ ngày chín trên một trên hai nghìn không trăm hai mươi sáu", "từ ngày 09/01/2026"),
        ("đến ngày hai mươi trên mười một trên hai nghìn không trăm hai mươi sáu", "đến ngày 20/11/2026"),
        # counts under ten before what they count
        ("trong thời hạn bảy ngày làm việc", "trong thời hạn 07 ngày làm việc"),
        ("nộp một bản sao và hai bộ hồ sơ", "nộp 01 bản sao và 02 bộ hồ sơ"),
        ("định kỳ sáu tháng một lần", "định kỳ 06 tháng một lần"),
        ("tổ gồm ba người", "tổ gồm 03 người"),
        ("trẻ em dưới sáu tuổi", "trẻ em dưới 6 tuổi"),
        ("trong ba năm hai nghìn không trăm hai mươi lăm", "trong ba năm 2025"),
        # times, ordinals, units, classes
        ("họp lúc chín giờ sáng", "họp lúc 09 giờ sáng"),
        ("kỳ họp thứ nhất và lần thứ tư", "kỳ họp thứ nhất và lần thứ tư"),
        ("hàng thứ nhất gồm hai mươi người", "hàng thứ nhất gồm 20 người"),
        ("diện tích hai mươi mét vuông dung tích năm mươi xăng ti mét khối", "diện tích 20 m2 dung tích 50 cm3"),
        ("công suất máy chính dưới năm mã lực", "công suất máy chính dưới 5 mã lực"),
        ("giấy phép hạng bê một bê hai", "giấy phép hạng B1 B2"),
        ("xe chở người trên ba mươi chỗ", "xe chở người trên 30 chỗ"),
        ("trước năm một nghìn chín trăm tám mươi người dân", "trước năm 1980 người dân"),
        # numbers either side of a slash, decimals whose fraction is said as a number, ranges
        ("thường trực hai mươi bốn trên hai mươi bốn giờ", "thường trực 24/24 giờ"),
        ("chia đều năm chia mười hai tháng", "chia đều năm chia 12 tháng"),
        ("hệ số không phẩy chín mươi lăm", "hệ số 0,95"),
        ("tăng mười hai phẩy bảy mươi lăm phần trăm", "tăng 12,75%"),
        ("dài sáu mươi gạch bảy mươi mi li mét trong ba gạch năm năm", "dài 60-70 mm trong 3-5 năm"),
        ("từ ngày một trên bảy đến ngày ba mươi mốt trên mười hai", "từ ngày 01/7 đến ngày 31/12"),
        ("từ năm thứ mười một đến năm thứ hai mươi", "từ năm thứ 11 đến năm thứ 20"),
        ("theo mẫu số ba và biểu hai", "theo mẫu số 03 và biểu 02"),
        # document numbers under ten get their leading zero; a date after one is not part of its symbol
        (
            "ban hành ngày hai mươi trên mười trên hai nghìn không trăm hai mươi sáu quy định",
            "ban hành ngày 20/10/2026 quy định",
        ),
        ("theo mẫu số một trên tê ét hai trên tê ét", "theo mẫu số 01/TS 02/TS"),
        (
            "nghị định số tám trên hai nghìn không trăm hai mươi sáu trên en đê gạch xê pê không áp dụng",
            "nghị định số 08/2026/NĐ-CP không áp dụng",
        ),
        (
            "thông tư số ba trên hai nghìn không trăm hai mươi sáu trên tê tê gạch bê tê xê",
            "thông tư số 03/2026/TT-BTC",
        ),
        # "một" after a symbol is the article, not a digit of it
        (
            "quyết định số ba trên hai nghìn không trăm mười một trên quy đê gạch tê tê giê một số nội dung",
            "quyết định số 03/2011/QĐ-TTG một số nội dung",
        ),
        # a number, a dash, then a symbol; a dash between numbers stays a range
        ("theo nghị quyết số hai mươi bảy gạch en quy trên tê vê ngày", "theo nghị quyết số 27-NQ/TV ngày"),
        ("theo mẫu số năm gạch hát giê", "theo mẫu số 05-HG"),
        # a label's number with a letter; a letter followed by more letters is a symbol
        ("bổ sung điều mười chín a và khoản năm a", "bổ sung điều 19a và khoản 5a"),
        ("theo mẫu số sáu bê tại phụ lục ba bê", "theo mẫu số 06b tại phụ lục 3b"),
        ("theo mẫu số năm xê en", "theo mẫu số 05 xê en"),
        # sections numbered with dots, said with "chấm"; elsewhere "chấm" is NeMo's decimal point
        ("sửa đổi điểm một chấm bốn và mục hai chấm năm chấm một", "sửa đổi điểm 1.4 và mục 2.5.1"),
        ("một chấm hai những mặt còn tồn tại", "1.2 những mặt còn tồn tại"),
        ("tăng ba chấm năm lần", "tăng 3,5 lần"),
        # rates in percent, thousands of billions
        ("lãi suất ba phẩy chín phần trăm trên năm", "lãi suất 3,9%/năm"),
        ("vốn từ hai nghìn ba trăm tỷ đồng trở lên", "vốn từ 2.300 tỷ đồng trở lên"),
        # four-digit counts grouped before the words the documents group them before; codes and years not
        (
            "không vượt quá ba nghìn cổ phần trên người nhận khoán",
            "không vượt quá 3.000 cổ phần trên người nhận khoán",
        ),
        (
            "tàu bay có trọng lượng tối đa trên hai nghìn hai trăm năm mươi kilôgam",
            "tàu bay có trọng lượng tối đa trên 2.250 kilôgam",
        ),
        (
            "đạt tiêu chuẩn i ét o chín nghìn không trăm linh một hoặc tương đương",
            "đạt tiêu chuẩn i ét o 9001 hoặc tương đương",
        ),
        ("giai đoạn hai nghìn không trăm mười một hai nghìn không trăm mười lăm bố trí", "giai đoạn 2011 2015 bố trí"),
        # a map's scale: grouped from five digits on
        (
            "bản đồ tỷ lệ một trên năm nghìn hoặc một trên hai mươi lăm nghìn",
            "bản đồ tỷ lệ 1/5000 hoặc 1/25.000",
        ),
        # an utterance opening with a clause's number and letter, as document lines open
        ("một a thông tư này hướng dẫn thực hiện", "1a thông tư này hướng dẫn thực hiện"),
        ("hai bê tông cốt thép", "hai bê tông cốt thép"),
        # a form's code spelled out: two letter groups pad the number, one keeps it as said
        ("báo cáo theo mẫu hát ca gạch một của phụ lục", "báo cáo theo mẫu HK-1 của phụ lục"),
        (
            "đơn đề nghị theo mẫu tê pê gạch quy tê vê gạch một ban hành kèm theo",
            "đơn đề nghị theo mẫu TP-QTV-01 ban hành kèm theo",
        ),
        ("theo mẫu quy định tại phụ lục", "theo mẫu quy định tại phụ lục"),
        # power units in the documents' case; a kilovolt said by its letters
        (
            "quy hoạch hệ thống điện một trăm mười ca vê và nhà máy ba mươi mê ga oát",
            "quy hoạch hệ thống điện 110 kV và nhà máy 30 MW",
        ),
        ("trạm biến áp hai trăm hai mươi ki lô vôn", "trạm biến áp 220 kV"),
        # sections numbered by a letter and dots: lower case opening a line or after "điểm", capital after "số"
        ("bê chấm hai đối với cá nhân cư trú", "b.2 đối với cá nhân cư trú"),
        ("theo điểm đê chấm hai chấm một khoản ba", "theo điểm đ.2.1 khoản 3"),
        ("lập theo mẫu số a chấm một ban hành kèm theo", "lập theo mẫu số A.1 ban hành kèm theo"),
        # appendices numbered with "số" in two digits, "điểm" and "hình" with their letter
        ("theo phụ lục số hai ban hành kèm theo", "theo phụ lục số 02 ban hành kèm theo"),
        ("quy định tại điểm hai bê khoản ba", "quy định tại điểm 2b khoản 3"),
        ("tại thời điểm hai bên ký", "tại thời điểm hai bên ký"),  # "thời điểm" is a moment, not a point
        # a day of the month without its month, as in a date
        ("từ ngày một đến ngày hai mươi hàng tháng", "từ ngày 01 đến ngày 20 hàng tháng"),
        ("trước ngày năm của tháng sau", "trước ngày 05 của tháng sau"),
        ("theo hình một a hoặc hình một bê", "theo hình 1a hoặc hình 1b"),
        # periods counted from a named one
        ("so với năm en trừ một và năm en cộng một", "so với năm N-1 và năm N+1"),
        ("trong tháng em cộng một", "trong tháng M+1"),
        ("từ tháng tê trừ mười", "từ tháng T-10"),
    ],
)
def test_numbers_are_written_as_vietnamese_documents_write_them(
    itn: InverseNormalizer, said: str, written: str
) -> None:
    assert itn(said) == written


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("hoàn thành trước năm hai nghìn không trăm hai mươi bảy", "hoàn thành trước năm 2027"),
        (
            "trong năm hai nghìn không trăm hai mươi sáu và năm hai nghìn không trăm ba mươi",
            "trong năm 2026 và năm 2030",
        ),
        ("năm hai nghìn không trăm linh năm", "năm 2005"),
        ("từ năm một nghìn chín trăm tám mươi sáu", "từ năm 1986"),
        ("trước ngày ba mươi tháng sáu năm hai nghìn không trăm hai mươi bảy", "trước ngày 30 tháng 6 năm 2027"),
        ("quý ba năm hai nghìn không trăm hai mươi bảy", "quý ba năm 2027"),
        ("có bốn mươi lăm đại biểu tán thành", "có 45 đại biểu tán thành"),
        ("bốn mươi tư trên bốn mươi sáu đại biểu tán thành", "44/46 đại biểu tán thành"),
        ("một trăm linh năm phiếu", "105 phiếu"),
        ("hai nghìn năm trăm người", "2.500 người"),
    ],
)
def test_spoken_years_and_counts_come_out_as_the_minutes_read_them(
    itn: InverseNormalizer, said: str, written: str
) -> None:
    """The minutes extractor reads years, deadlines and vote counts from the written form."""
    assert itn(said) == written


@pytest.mark.parametrize(
    ("said", "written"),
    [
        # numbers from one to nine as the training documents write them where they stand
        ("cho đối tượng hai thuộc cơ quan", "cho đối tượng 2 thuộc cơ quan"),
        ("xếp loại ba", "xếp loại 3"),
        ("bài một phong cách", "bài 1 phong cách"),
        ("vi phạm ở mức một bao gồm", "vi phạm ở mức 1 bao gồm"),
        ("hai bên thống nhất", "hai bên thống nhất"),
        ("một trong các trường hợp sau", "một trong các trường hợp sau"),
        ("khổ giấy a bốn", "khổ giấy A4"),
        ("in trên khổ a ba", "in trên khổ A3"),
    ],
)
def test_small_numbers_follow_the_training_documents(itn: InverseNormalizer, said: str, written: str) -> None:
    assert itn(said) == written


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("thiết bị đạt chuẩn tê xê vê gạch mười hai theo quy định", "thiết bị đạt chuẩn TCV-12 theo quy định"),
        ("lắp tại trạm hát tê ba gạch bốn mươi hai", "lắp tại trạm HT3-42"),
        ("gửi kèm bảng tê dê không bảy cho sở", "gửi kèm bảng TD07 cho sở"),
        ("mã quy pê trên bê tê ba", "mã QP/BT3"),
        ("theo mẫu ét ép gạch ca tê vê gạch bốn", "theo mẫu SF-KTV-04"),  # a form's code still pads
        ("các em hát ca hai bài", "các em hát ca hai bài"),  # "hát", "ca" are words here: one plain letter only
        ("đổ bê tông hai lớp", "đổ bê tông hai lớp"),  # "bê" opens a word, not a code
        ("nhóm tê xê vê thống nhất", "nhóm tê xê vê thống nhất"),  # no digit: left to the other rules
    ],
)
def test_codes_said_letter_first(itn: InverseNormalizer, said: str, written: str) -> None:
    assert itn(said) == written


def test_small_number_forms_choose_the_clear_majority_of_the_most_specific_context() -> None:
    counts = count(["có 02 túi", "có 02 túi", "có 02 túi", "có 2 hồ sơ", "có hai bên", "hai bên"])
    forms = SmallNumberForms(counts, min_count=2, min_share=0.9)
    assert forms("có hai túi") == "có 02 túi"  # "có _ túi": 3 padded
    assert forms("nhận hai bên") == "nhận hai bên"  # "_ bên": 2 in words
    assert forms("có ba hồ sơ") == "có ba hồ sơ"  # "có _ hồ sơ" seen once; "có _": 3 padded of 5 is not clear
    assert forms("ngày hai túi") == "ngày hai túi"  # after "ngày" the date rules decide
    assert forms("hai ba túi") == "hai ba túi"  # two numbers side by side
    assert forms("năm 2026") == "năm 2026"  # the word for year


def test_the_shipped_small_number_table_loads() -> None:
    forms = SmallNumberForms.load()
    assert len(forms.counts) > 10_000
    assert all(len(c) == 3 and sum(c) >= 2 for c in list(forms.counts.values())[:1000])


def test_a_grammar_that_computes_wrong_is_rebuilt(tmp_path: Path) -> None:
    """A compiled grammar is checked by what it computes: a corrupt cached file is replaced, not trusted."""
    cache = tmp_path / "itn-vi"
    InverseNormalizer(cache)
    far = next(cache.glob("*.far"))
    far.write_bytes(b"not a grammar")
    rebuilt = InverseNormalizer(cache)
    assert all(rebuilt(said) == written for said, written in PROBES.items())
    assert far.read_bytes() != b"not a grammar"


def test_conventions_leave_years_phone_numbers_and_fractions_alone() -> None:
    assert vietnamese_conventions("năm 2025 gọi 090-812-3456 tỷ lệ 17/21") == "năm 2025 gọi 090-812-3456 tỷ lệ 17/21"
    assert [to_roman(n) for n in (1, 4, 9, 14, 15, 39)] == ["I", "IV", "IX", "XIV", "XV", "XXXIX"]


def test_verbaliser_reads_written_text_as_it_is_said() -> None:
    assert number_words(2015) == "hai nghìn không trăm mười lăm"
    assert number_words(2005) == "hai nghìn không trăm lẻ năm"
    assert spoken("Nghị quyết số 1343/NQ-UBTVQH15, tăng 12,5%.") == (
        "nghị quyết số một nghìn ba trăm bốn mươi ba trên en quy gạch u bê tê vê quy hát mười lăm "
        "tăng mười hai phẩy năm phần trăm"
    )
    assert spoken("Chương IV phạt 10.000.000 đồng") == "chương bốn phạt mười triệu đồng"
    assert spoken("điểm 1.4, mục 2.5.1") == "điểm một chấm bốn mục hai chấm năm chấm một"
    assert [t.source for t in tokens("Điều 12 nay")] == [0, 1, 1, 2]
    assert spoken("năm N-1, tháng M+1 và mẫu A-1") == "năm en trừ một tháng em cộng một và mẫu a gạch một"
    assert spoken("từ 16h00 đến 11h30") == "từ mười sáu giờ đến mười một giờ ba mươi"


def test_verbaliser_and_itn_round_trip(itn: InverseNormalizer) -> None:
    """Spoken form is lower case, so the round trip gives the written text back up to case."""
    for written in ("Luật số 91/2015/QH13", "tăng 12,5%", "khóa XV", "phạt 150.000.000 đồng", "Điều 3 khoản 2"):
        assert itn(spoken(written)).lower() == written.lower()


def test_verbaliser_reads_a_codes_leading_zero_and_spells_its_capitals() -> None:
    """A code's zero is said ("xê vê không bốn"): "bốn" alone would lose it; capitals after a slash are a
    symbol, spelled letter by letter ("27-NQ/TW"), not a word."""
    assert spoken("theo mẫu CV04") == "theo mẫu xê vê không bốn"
    assert spoken("mã số V.07.07.21") == "mã số vê chấm không bảy chấm không bảy chấm hai mươi mốt"
    assert spoken("mã 01.03.05") == "mã không một chấm không ba chấm không năm"
    assert spoken("Nghị quyết số 27-NQ/TW") == "nghị quyết số hai mươi bảy gạch en quy trên tê vê kép"
    # counts, dates and a document number's own number keep the usual reading
    assert spoken("05 ngày, ngày 01/01/2026, số 05/2003/QH11, mẫu TP-QTV-01") == (
        "năm ngày ngày một trên một trên hai nghìn không trăm hai mươi sáu số năm trên hai nghìn không trăm lẻ ba "
        "trên quy hát mười một mẫu tê pê gạch quy tê vê gạch một"
    )
    assert spoken("30 km/giờ") == "ba mươi ki lô mét trên giờ"


@pytest.mark.parametrize(
    ("said", "written"),
    [
        # codes read with their leading zeros
        ("bổ nhiệm mã số vê chấm không bảy chấm không bảy chấm hai mươi mốt", "bổ nhiệm mã số V.07.07.21"),
        ("theo mẫu xê vê không bốn tại phụ lục", "theo mẫu CV04 tại phụ lục"),
        ("theo mẫu en xê u dê không bốn quy định", "theo mẫu NCUD04 quy định"),
        ("mã không một chấm không ba chấm không năm", "mã 01.03.05"),
        ("nghị quyết số hai mươi bảy gạch en quy trên tê vê kép", "nghị quyết số 27-NQ/TW"),
        # numbers of accounts and standards are codes, never grouped
        ("hạch toán tài khoản bốn mươi mốt triệu hai trăm lẻ một", "hạch toán tài khoản 41000201"),
        ("theo iso hai mươi hai nghìn", "theo iso 22000"),
        ("phạt hai mươi lăm nghìn người", "phạt 25.000 người"),
        # seconds as documents write them, rates per unit of volume
        ("thời gian tối đa không phẩy một giây", "thời gian tối đa 0,1 giây"),
        ("không quá ba mươi giây", "không quá 30 giây"),
        ("công suất ba mươi mét khối trên ngày", "công suất 30 m3/ngày"),
    ],
)
def test_codes_seconds_and_rates_as_documents_write_them(itn: InverseNormalizer, said: str, written: str) -> None:
    assert itn(said) == written


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("giá trị không quá năm mươi triệu đồng", "giá trị không quá 50 triệu đồng"),
        ("mức chi tối đa ba mươi triệu đồng", "mức chi tối đa 30 triệu đồng"),
        ("phạt từ mười triệu đồng đến hai mươi triệu đồng", "phạt từ 10.000.000 đồng đến 20.000.000 đồng"),
        ("không quá năm trăm nghìn đồng", "không quá 500.000 đồng"),
    ],
)
def test_a_limit_in_millions_stays_in_words_as_documents_write_it(
    itn: InverseNormalizer, said: str, written: str
) -> None:
    assert itn(said) == written
