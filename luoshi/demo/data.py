"""The demo district as plain values: units, people and the task catalogue.

Names follow what district offices really write (see the decomposition tables in the shared
samples: 区发改局 leads 固定资产投资, 区财政局 with 税务局 leads 一般公共预算收入 …). The
district itself, 临江区, is fictional. Codes are ASCII so logins are easy to type:
`fgj_tb` is the reporter (填报员) of 区发改局, `fgj_fz` its head (主要负责人).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEMO_PASSWORD = "luoshi2026"
SEED = "luoshi-demo-district-v1"


@dataclass(frozen=True)
class UnitSpec:
    code: str
    name: str
    short: str
    aliases: str = ""
    communities: tuple[str, ...] = ()


DISTRICT = UnitSpec("LJ", "临江区", "临江区")
GOVERNMENT = UnitSpec("QZF", "临江区人民政府", "区政府", "区人民政府")
OFFICE = UnitSpec("DCS", "区委区政府督查室", "督查室", "区委督查室、区政府督查室、区督查室")

# 功能区/街镇 (~8), streets with their 社区/村.
ZONES: list[UnitSpec] = [
    UnitSpec("JKQ", "临江经济技术开发区管委会", "经开区", "临江经开区、开发区管委会"),
    UnitSpec("GXQ", "临江高新技术产业园区管委会", "高新区", "高新园区、高新区管委会"),
    UnitSpec("ZBQ", "临江港综合保税区管委会", "综保区", "临江综保区、港区"),
    UnitSpec(
        "JBJD",
        "江滨街道办事处",
        "江滨街道",
        "江滨街",
        communities=("滨江社区", "码头社区", "望江社区", "临江村"),
    ),
    UnitSpec(
        "XCJD",
        "新城街道办事处",
        "新城街道",
        "新城街",
        communities=("新城社区", "和平社区", "锦绣社区", "创业社区"),
    ),
    UnitSpec(
        "HXJD",
        "河西街道办事处",
        "河西街道",
        "河西街",
        communities=("河西社区", "西园社区", "柳湾社区", "长堤村"),
    ),
    UnitSpec(
        "WHJD",
        "望湖街道办事处",
        "望湖街道",
        "望湖街",
        communities=("望湖社区", "湖光社区", "荷塘社区", "莲花村"),
    ),
    UnitSpec(
        "QSZ",
        "青山镇人民政府",
        "青山镇",
        "青山镇政府",
        communities=("青山村", "石桥村", "枫林村", "茶园村", "青山社区"),
    ),
]

# 区直部门 (~70): (code, full name, short name, aliases).
DEPARTMENTS: list[UnitSpec] = [
    UnitSpec("QWB", "区委办公室", "区委办"),
    UnitSpec("ZFB", "区人民政府办公室", "区政府办", "区府办、政府办"),
    UnitSpec("ZZB", "区委组织部", "组织部"),
    UnitSpec("XCB", "区委宣传部", "宣传部"),
    UnitSpec("TZB", "区委统战部", "统战部"),
    UnitSpec("ZFW", "区委政法委员会", "区委政法委", "政法委"),
    UnitSpec("JW", "区纪委监委", "纪委监委", "区纪委、区监委"),
    UnitSpec("BB", "区委机构编制委员会办公室", "区委编办", "编办"),
    UnitSpec("WXB", "区委网络安全和信息化委员会办公室", "区委网信办", "网信办"),
    UnitSpec("ZYS", "区委政策研究室", "区委政研室", "政研室"),
    UnitSpec("LGJ", "区委老干部局", "老干部局"),
    UnitSpec("DX", "区委党校", "党校"),
    UnitSpec("RDB", "区人大常委会办公室", "区人大办", "人大办"),
    UnitSpec("ZXB", "区政协办公室", "区政协办", "政协办"),
    UnitSpec("ZGH", "区总工会", "总工会", "工会"),
    UnitSpec("TQW", "共青团临江区委员会", "团区委"),
    UnitSpec("FL", "区妇女联合会", "区妇联", "妇联"),
    UnitSpec("KX", "区科学技术协会", "区科协", "科协"),
    UnitSpec("GSL", "区工商业联合会", "区工商联", "工商联"),
    UnitSpec("FGJ", "区发展和改革局", "区发改局", "发改局、发改委、区发改委"),
    UnitSpec("JYJ", "区教育局", "教育局"),
    UnitSpec("KJJ", "区科学技术局", "区科技局", "科技局"),
    UnitSpec("JXJ", "区经济和信息化局", "区经信局", "经信局、工信局、区工信局"),
    UnitSpec("GAJ", "临江公安分局", "公安分局", "区公安分局、公安局"),
    UnitSpec("MZJ", "区民政局", "民政局"),
    UnitSpec("SFJ", "区司法局", "司法局"),
    UnitSpec("CZJ", "区财政局", "财政局"),
    UnitSpec("RSJ", "区人力资源和社会保障局", "区人社局", "人社局"),
    UnitSpec("ZRJ", "区自然资源和规划分局", "区规划分局", "自然资源局、规划局、资规分局"),
    UnitSpec("STJ", "区生态环境分局", "生态环境分局", "环保局、生态环境局"),
    UnitSpec("ZJJ", "区住房和城乡建设局", "区住建局", "住建局、建设局"),
    UnitSpec("JTJ", "区交通运输局", "区交通局", "交通局"),
    UnitSpec("SWJ", "区水务局", "水务局", "水利局"),
    UnitSpec("NYJ", "区农业农村局", "区农业农村局", "农业农村局、农业局"),
    UnitSpec("SWUJ", "区商务局", "商务局"),
    UnitSpec("WLJ", "区文化和旅游局", "区文旅局", "文旅局、文化旅游局"),
    UnitSpec("WJW", "区卫生健康委员会", "区卫健委", "卫健委、卫健局"),
    UnitSpec("TYJRJ", "区退役军人事务局", "区退役军人局", "退役军人局"),
    UnitSpec("YJJ", "区应急管理局", "区应急局", "应急局、安监局"),
    UnitSpec("SJJ", "区审计局", "审计局"),
    UnitSpec("GZW", "区国有资产监督管理委员会", "区国资委", "国资委"),
    UnitSpec("SCJ", "区市场监督管理局", "区市场监管局", "市场局、市场监管局、区市场局"),
    UnitSpec("TYUJ", "区体育局", "体育局"),
    UnitSpec("TJJ", "区统计局", "统计局"),
    UnitSpec("YBJ", "区医疗保障局", "区医保局", "医保局"),
    UnitSpec("CGJ", "区城市管理局", "区城管局", "城管局、城管执法局"),
    UnitSpec("ZSJ", "区政务服务和大数据管理局", "区政数局", "政数局、大数据局、政务服务局"),
    UnitSpec("XFJ", "区信访局", "信访局"),
    UnitSpec("TCJ", "区投资促进局", "区投促局", "投促局、招商局"),
    UnitSpec("LCJ", "区粮食和物资储备局", "区粮储局", "粮食局"),
    UnitSpec("RFB", "区人民防空办公室", "区人防办", "人防办"),
    UnitSpec("JGJ", "区机关事务管理局", "区机关事务局", "机关事务局"),
    UnitSpec("JRJ", "区地方金融工作局", "区金融局", "金融办、金融局"),
    UnitSpec("LYJ", "区林业局", "林业局", "林业园林局"),
    UnitSpec("GXJ", "区城市更新局", "城市更新局", "更新局"),
    UnitSpec("XCZX", "区乡村振兴局", "乡村振兴局", "扶贫办"),
    UnitSpec("FGLJ", "区住房保障和房屋管理局", "区房管局", "房管局、房产局"),
    UnitSpec("YSJ", "区营商环境建设局", "区营商局", "营商局、营商办"),
    UnitSpec("CL", "区残疾人联合会", "区残联", "残联"),
    UnitSpec("HSZ", "区红十字会", "红十字会"),
    UnitSpec("RMT", "区融媒体中心", "融媒体中心"),
    UnitSpec("GXS", "区供销合作社联合社", "区供销社", "供销社"),
    UnitSpec("DAG", "区档案馆", "档案馆", "档案局"),
    UnitSpec("FY", "临江区人民法院", "区法院", "法院"),
    UnitSpec("JCY", "临江区人民检察院", "区检察院", "检察院"),
    UnitSpec("CTJT", "临江城市建设投资集团有限公司", "区城投集团", "城投公司、城投"),
    UnitSpec("WLJT", "临江文化旅游发展集团有限公司", "区文旅集团", "文旅集团"),
    UnitSpec("ZXQY", "区中小企业服务中心", "中小企业中心", "企业服务中心"),
    UnitSpec("GGZY", "区公共资源交易中心", "公共资源交易中心", "交易中心"),
]

# 驻区单位 (~12).
RESIDENTS: list[UnitSpec] = [
    UnitSpec("TAX", "国家税务总局临江区税务局", "区税务局", "税务局"),
    UnitSpec("GD", "国网临江供电公司", "供电公司", "供电局、电力公司"),
    UnitSpec("ZLS", "临江自来水有限公司", "自来水公司", "水司、供水公司"),
    UnitSpec("HG", "临江海关", "海关"),
    UnitSpec("RQ", "临江燃气有限公司", "燃气公司", "燃气集团"),
    UnitSpec("DXGS", "中国电信临江分公司", "电信公司", "电信"),
    UnitSpec("YD", "中国移动临江分公司", "移动公司", "移动"),
    UnitSpec("YZ", "中国邮政临江区分公司", "邮政公司", "邮政"),
    UnitSpec("JJDD", "市公安局交通管理局临江大队", "交警大队", "交警"),
    UnitSpec("QXJ", "临江区气象局", "气象局"),
    UnitSpec("RMYH", "中国人民银行临江支行", "人民银行", "人行"),
    UnitSpec("YCJ", "临江区烟草专卖局", "烟草专卖局", "烟草局、烟草公司"),
]


@dataclass(frozen=True)
class LeaderSpec:
    username: str
    name: str
    title: str
    unit: str  # code of the unit holding the post
    portfolio: tuple[str, ...]


LEADERS: list[LeaderSpec] = [
    LeaderSpec(
        "shuji",
        "陈国华",
        "区委书记",
        "LJ",
        ("LJ", "QWB", "ZZB", "XCB", "TZB", "ZFW", "JW", "BB", "WXB", "ZYS"),
    ),
    # 书记 and 区长 lead the whole district (主持全面工作): the district itself is in their portfolio.
    LeaderSpec("quzhang", "李明远", "区长", "LJ", ("LJ", "ZFB", "SJJ", "JKQ", "GXQ", "ZBQ", "DCS")),
    LeaderSpec(
        "changwu",
        "王建平",
        "常务副区长",
        "QZF",
        ("FGJ", "CZJ", "TJJ", "GZW", "JRJ", "TAX", "RMYH", "ZSJ", "YSJ", "JGJ", "GGZY", "CTJT"),
    ),
    LeaderSpec(
        "fuqz1",
        "赵晓东",
        "副区长",
        "QZF",
        ("JXJ", "KJJ", "SWUJ", "TCJ", "SCJ", "HG", "GD", "DXGS", "YD", "ZXQY", "YCJ", "ZBQ"),
    ),
    LeaderSpec(
        "fuqz2",
        "刘卫东",
        "副区长",
        "QZF",
        ("ZJJ", "ZRJ", "JTJ", "SWJ", "CGJ", "GXJ", "RFB", "FGLJ", "ZLS", "RQ", "JBJD", "XCJD"),
    ),
    LeaderSpec(
        "fuqz3",
        "孙丽娟",
        "副区长",
        "QZF",
        ("JYJ", "WJW", "MZJ", "RSJ", "WLJ", "TYUJ", "YBJ", "TYJRJ", "CL", "HSZ", "WLJT", "HXJD", "WHJD"),
    ),
    LeaderSpec(
        "fuqz4",
        "周志强",
        "副区长",
        "QZF",
        ("NYJ", "LYJ", "YJJ", "GAJ", "SFJ", "STJ", "XCZX", "LCJ", "GXS", "QSZ", "QXJ", "JJDD", "XFJ"),
    ),
]


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name: str
    title: str
    unit: str
    role: str


STAFF: list[StaffSpec] = [
    StaffSpec("ducha1", "张雯", "督查科科长", "DCS", "officer"),
    StaffSpec("ducha2", "黄磊", "督查专员", "DCS", "officer"),
    StaffSpec("kaohe", "吴倩", "考核办考核员", "DCS", "assessor"),
    StaffSpec("sysadmin", "郑凯", "系统管理员", "ZSJ", "sysadmin"),
    StaffSpec("secadmin", "冯涛", "安全管理员", "ZSJ", "secadmin"),
    StaffSpec("audit", "何静", "审计管理员", "JW", "auditadmin"),
]

# Logins printed by `luoshi demo --logins`: (username, who).
LOGINS_TO_TRY: list[tuple[str, str]] = [
    ("fgj_tb", "区发改局 填报员（本期待填报）"),
    ("fgj_fz", "区发改局 主要负责人（审核本单位填报）"),
    ("ducha1", "督查室 督查员（审核完成申请、销号）"),
    ("quzhang", "区长（领导驾驶舱）"),
    ("changwu", "常务副区长（分管：发改、财政…）"),
    ("audit", "审计管理员（审计日志）"),
    ("secadmin", "安全管理员（账户锁定、密码重置、动态口令）"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志文斌海燕鹏辉玲红晓东雪梅晨阳宇婷波浩"


# ---------------------------------------------------------------------------------------------
# The task catalogue


@dataclass
class TaskSpec:
    """One catalogue entry; `build` decides dates and the story (scenario) of each task."""

    title: str
    lead: str
    co: tuple[str, ...] = ()
    kids: list[TaskSpec] = field(default_factory=list)
    due: str = ""  # deadline hint: "" (年底前), "MM" (that month's end) or "Qn"
    milestones: tuple[str, ...] = ()
    public: bool = False
    measure: dict[str, Any] | None = None
    weight: int = 1


def T(
    title: str,
    lead: str,
    co: str = "",
    *kids: TaskSpec,
    due: str = "",
    ms: tuple[str, ...] = (),
    public: bool = False,
    measure: dict[str, Any] | None = None,
    weight: int = 1,
) -> TaskSpec:
    return TaskSpec(
        title=title,
        lead=lead,
        co=tuple(co.split()),
        kids=list(kids),
        due=due,
        milestones=ms,
        public=public,
        measure=measure,
        weight=weight,
    )


def M(
    metric: str, unit: str, baseline: float, target: float, *, lower: bool = False, plan: str = ""
) -> dict[str, Any]:
    """A measure (量化指标). plan: "" (by time), "cum" (seasonal cumulative plan), "rate" (target every month)."""
    return {
        "metric": metric,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "direction": "lower" if lower else "higher",
        "plan": plan,
    }


# Cumulative share of an annual total planned by the end of each month (seasonal, as offices plan).
SEASONAL = (0.05, 0.11, 0.21, 0.29, 0.38, 0.50, 0.58, 0.66, 0.76, 0.84, 0.92, 1.0)

PROJECT_MS = ("完成前期手续", "开工建设", "主体工程完工", "竣工验收")
REFORM_MS = ("制定实施方案", "组织推进实施", "总结评估")

STREET_CODES = ("JBJD", "XCJD", "HXJD", "WHJD", "QSZ")
ZONE_CODES = ("JKQ", "GXQ", "ZBQ") + STREET_CODES


def _split(
    total: float, metric: str, unit: str, shares: tuple[float, ...], codes: tuple[str, ...], verb: str
) -> list[TaskSpec]:
    """Decompose a cumulative measure over zones/streets (岗位任务 per 功能区/街镇)."""
    out = []
    for code, share in zip(codes, shares, strict=True):
        short = next(z.short for z in ZONES if z.code == code)
        target = round(total * share, 2)
        out.append(
            T(
                f"{short}{verb}{target:g}{unit}",
                code,
                measure=M(metric, unit, 0, target, plan="cum"),
            )
        )
    return out


ECONOMY: list[TaskSpec] = [
    T(
        "地区生产总值增长6.5%左右",
        "FGJ",
        "TJJ JKQ GXQ",
        measure=M("地区生产总值增速", "%", 0, 6.5, plan="rate"),
        public=True,
        weight=3,
    ),
    T(
        "规模以上工业增加值增长8%",
        "JXJ",
        "JKQ GXQ TJJ",
        measure=M("规上工业增加值增速", "%", 0, 8, plan="rate"),
    ),
    T(
        "完成固定资产投资268亿元，增长10%",
        "FGJ",
        "ZRJ ZJJ",
        *_split(
            268,
            "固定资产投资",
            "亿元",
            (0.22, 0.16, 0.14, 0.12, 0.11, 0.09, 0.08, 0.08),
            ZONE_CODES,
            "完成固定资产投资",
        ),
        measure=M("固定资产投资", "亿元", 0, 268, plan="cum"),
        weight=3,
    ),
    T(
        "社会消费品零售总额达到412亿元",
        "SWUJ",
        "SCJ TJJ",
        measure=M("社会消费品零售总额", "亿元", 0, 412, plan="cum"),
    ),
    T(
        "一般公共预算收入完成48.6亿元，增长6%",
        "CZJ",
        "TAX",
        *_split(
            48.6,
            "一般公共预算收入",
            "亿元",
            (0.2, 0.14, 0.12, 0.12, 0.12, 0.1, 0.1, 0.1),
            ZONE_CODES,
            "完成一般公共预算收入",
        ),
        measure=M("一般公共预算收入", "亿元", 0, 48.6, plan="cum"),
        weight=3,
    ),
    T("外贸进出口总额达到85亿元", "SWUJ", "HG ZBQ", measure=M("外贸进出口总额", "亿元", 0, 85, plan="cum")),
    T("实际使用外资3.2亿美元", "TCJ", "SWUJ JKQ", measure=M("实际使用外资", "亿美元", 0, 3.2, plan="cum")),
    T(
        "招商引资到位资金320亿元",
        "TCJ",
        "JKQ GXQ ZBQ",
        *_split(
            320,
            "招商引资到位资金",
            "亿元",
            (0.24, 0.2, 0.16, 0.08, 0.08, 0.08, 0.08, 0.08),
            ZONE_CODES,
            "招商引资到位资金",
        ),
        measure=M("招商引资到位资金", "亿元", 0, 320, plan="cum"),
    ),
    T(
        "万元地区生产总值能耗下降3.5%",
        "FGJ",
        "JXJ STJ",
        measure=M("万元GDP能耗", "吨标准煤/万元", 0.412, 0.3976, lower=True, plan="rate"),
    ),
    T(
        "PM2.5年均浓度控制在33微克/立方米以内",
        "STJ",
        "ZJJ CGJ JTJ",
        measure=M("PM2.5年均浓度", "微克/立方米", 36, 33, lower=True),
        public=True,
    ),
    T(
        "城镇调查失业率控制在5.5%以内",
        "RSJ",
        "",
        measure=M("城镇调查失业率", "%", 5.8, 5.5, lower=True, plan="rate"),
    ),
    T(
        "城镇新增就业1.2万人",
        "RSJ",
        "",
        *_split(12000, "城镇新增就业", "人", (0.24, 0.2, 0.2, 0.18, 0.18), STREET_CODES, "城镇新增就业"),
        measure=M("城镇新增就业", "人", 0, 12000, plan="cum"),
        public=True,
    ),
    T(
        "新增市场主体1.2万户",
        "SCJ",
        "ZSJ",
        *_split(12000, "新增市场主体", "户", (0.22, 0.22, 0.2, 0.18, 0.18), STREET_CODES, "新增市场主体"),
        measure=M("新增市场主体", "户", 0, 12000, plan="cum"),
    ),
    T("新认定高新技术企业60家", "KJJ", "GXQ JKQ", measure=M("新认定高新技术企业", "家", 0, 60)),
    T(
        "全社会研发经费投入强度达到2.8%",
        "KJJ",
        "TJJ",
        measure=M("研发经费投入强度", "%", 2.5, 2.8, plan="rate"),
    ),
    T(
        "城乡居民人均可支配收入增长6.5%",
        "TJJ",
        "RSJ NYJ",
        measure=M("人均可支配收入增速", "%", 0, 6.5, plan="rate"),
    ),
]

# 重点工作: 目标 → 分解任务 → 岗位任务.
WORK: list[tuple[str, list[TaskSpec]]] = [
    (
        "重大项目建设",
        [
            T(
                "全年实施亿元以上重点项目120个，完成年度投资150亿元以上",
                "FGJ",
                "JKQ GXQ ZBQ ZRJ",
                T("临江港二期集装箱码头工程完成年度投资12亿元", "ZBQ", "JTJ HG", ms=PROJECT_MS),
                T("新能源汽车零部件产业园一期建成投产", "JKQ", "JXJ GD", ms=PROJECT_MS),
                T("集成电路封装测试基地项目主体结构封顶", "GXQ", "JXJ ZRJ", ms=PROJECT_MS),
                T("区第二人民医院新院区建设", "WJW", "ZJJ CTJT", ms=PROJECT_MS, public=True),
                T("江滨片区城市更新项目（一期）", "GXJ", "JBJD ZJJ CTJT", ms=PROJECT_MS),
                T("临江大道快速化改造工程", "JTJ", "CTJT ZRJ JJDD", ms=PROJECT_MS, public=True),
                T("城北污水处理厂提标扩建工程", "SWJ", "STJ CTJT", ms=PROJECT_MS),
                T("冷链物流园项目完成供地并开工", "ZBQ", "ZRJ SWUJ", due="09", ms=PROJECT_MS),
            ),
            T(
                "深化“四包一”项目服务机制，推动签约项目落地",
                "TCJ",
                "FGJ YSJ",
                T("建立重点项目问题清单，每月调度销号", "FGJ", "DCS"),
                T("签约项目开工率达到60%以上", "TCJ", "JKQ GXQ ZBQ", measure=M("签约项目开工率", "%", 0, 60)),
                T("完成重点项目土地报批3000亩", "ZRJ", "JKQ GXQ", measure=M("土地报批", "亩", 0, 3000)),
            ),
            T(
                "争取中央预算内投资和专项债券资金",
                "FGJ",
                "CZJ",
                T("争取地方政府专项债券额度25亿元", "CZJ", "FGJ", measure=M("专项债券额度", "亿元", 0, 25)),
                T("储备谋划项目200个以上", "FGJ", "ZRJ ZJJ", measure=M("储备项目", "个", 0, 200)),
                T("申报超长期特别国债项目", "FGJ", "CZJ JYJ WJW", due="06"),
            ),
        ],
    ),
    (
        "产业转型升级",
        [
            T(
                "推进制造业高质量发展",
                "JXJ",
                "JKQ GXQ",
                T(
                    "新增规模以上工业企业30家",
                    "JXJ",
                    "JKQ GXQ TJJ",
                    measure=M("新增规上工业企业", "家", 0, 30),
                ),
                T("实施技术改造项目50个", "JXJ", "JKQ", measure=M("技改项目", "个", 0, 50)),
                T("培育省级专精特新中小企业20家", "JXJ", "ZXQY", measure=M("专精特新企业", "家", 0, 20)),
                T("创建智能工厂和数字化车间10个", "JXJ", "GXQ"),
            ),
            T(
                "壮大现代服务业",
                "SWUJ",
                "",
                T("打造临江滨江夜经济消费街区", "SWUJ", "JBJD CGJ WLJ", public=True),
                T("新增限额以上商贸企业80家", "SWUJ", "TJJ", measure=M("新增限上企业", "家", 0, 80)),
                T("举办“乐购临江”促消费系列活动", "SWUJ", "WLJ SCJ", due="10"),
                T("推进跨境电商产业园建设", "ZBQ", "SWUJ HG"),
            ),
            T(
                "发展文旅融合产业",
                "WLJ",
                "WLJT",
                T("青山茶园景区创建国家4A级旅游景区", "WLJ", "QSZ WLJT", ms=REFORM_MS),
                T("接待游客人次增长10%", "WLJ", "TJJ", measure=M("接待游客", "万人次", 0, 860, plan="cum")),
                T("办好临江国际龙舟节", "WLJ", "TYUJ GAJ JBJD", due="06", public=True),
            ),
        ],
    ),
    (
        "科技创新驱动",
        [
            T(
                "建设区域科技创新中心",
                "KJJ",
                "GXQ",
                T("新建省级以上研发平台8个", "KJJ", "GXQ JXJ", measure=M("新建研发平台", "个", 0, 8)),
                T(
                    "技术合同成交额达到45亿元",
                    "KJJ",
                    "",
                    measure=M("技术合同成交额", "亿元", 0, 45, plan="cum"),
                ),
                T("引进高层次人才团队15个", "ZZB", "KJJ RSJ", measure=M("人才团队", "个", 0, 15)),
                T("建成科技企业孵化器二期", "GXQ", "KJJ CTJT", ms=PROJECT_MS),
            ),
            T(
                "推进数字临江建设",
                "ZSJ",
                "WXB",
                T("新建5G基站600个", "ZSJ", "DXGS YD GD", measure=M("新建5G基站", "个", 0, 600)),
                T("建成城市运行管理服务平台", "ZSJ", "CGJ YJJ", ms=REFORM_MS),
                T("政务数据共享目录编制完成", "ZSJ", "", due="06"),
            ),
        ],
    ),
    (
        "改革开放与营商环境",
        [
            T(
                "持续优化营商环境",
                "YSJ",
                "ZSJ SCJ",
                T("企业开办时间压缩至1个工作日以内", "SCJ", "ZSJ TAX", public=True),
                T("“高效办成一件事”重点事项全部上线", "ZSJ", "YSJ", ms=REFORM_MS),
                T("工程建设项目审批时间压减至60个工作日以内", "ZJJ", "ZRJ ZSJ"),
                T("开展“万名干部进万企”服务活动", "YSJ", "ZXQY GSL", public=True),
                T("清理拖欠企业账款", "CZJ", "GZW JXJ", measure=M("清欠金额", "亿元", 0, 3.6)),
            ),
            T(
                "深化国资国企改革",
                "GZW",
                "CZJ",
                T("完成区属国企整合重组", "GZW", "CTJT WLJT", due="09", ms=REFORM_MS),
                T("区属国企经营性收入增长8%", "GZW", "CTJT WLJT"),
                T("盘活闲置低效国有资产2亿元", "GZW", "JGJ", measure=M("盘活国有资产", "亿元", 0, 2)),
            ),
            T(
                "扩大高水平对外开放",
                "SWUJ",
                "HG ZBQ",
                T("综保区进出口额增长15%", "ZBQ", "HG"),
                T("推进通关便利化改革，压缩整体通关时间", "HG", "ZBQ SWUJ"),
                T("组织企业参加境内外重点展会20场", "SWUJ", "", measure=M("参展场次", "场", 0, 20)),
            ),
            T(
                "防范化解金融风险",
                "JRJ",
                "RMYH",
                T("开展非法集资风险排查整治", "JRJ", "GAJ SCJ", due="06"),
                T("新增企业贷款80亿元", "JRJ", "RMYH", measure=M("新增企业贷款", "亿元", 0, 80, plan="cum")),
            ),
        ],
    ),
    (
        "城市建设与管理",
        [
            T(
                "推进城市更新行动",
                "GXJ",
                "ZJJ FGLJ",
                T("改造老旧小区42个", "FGLJ", "ZJJ GXJ", measure=M("改造老旧小区", "个", 0, 42), public=True),
                T("完成城中村改造征收1200户", "GXJ", "JBJD HXJD", measure=M("征收户数", "户", 0, 1200)),
                T("加装既有住宅电梯150部", "ZJJ", "FGLJ", measure=M("加装电梯", "部", 0, 150), public=True),
            ),
            T(
                "完善城市基础设施",
                "ZJJ",
                "JTJ SWJ",
                T("打通断头路12条", "JTJ", "ZRJ CTJT", measure=M("打通断头路", "条", 0, 12), public=True),
                T("新改建燃气管网30公里", "RQ", "ZJJ", measure=M("新改建燃气管网", "公里", 0, 30)),
                T("新建改造供水管网45公里", "ZLS", "SWJ", measure=M("供水管网", "公里", 0, 45)),
                T(
                    "新建公共停车泊位3000个",
                    "CGJ",
                    "JTJ JJDD",
                    measure=M("新建停车泊位", "个", 0, 3000),
                    public=True,
                ),
                T("新建电动汽车充电桩1000个", "GD", "FGJ", measure=M("新建充电桩", "个", 0, 1000)),
                T("完成城区排水防涝设施改造", "SWJ", "ZJJ CGJ", due="05", ms=PROJECT_MS),
            ),
            T(
                "提升城市精细化管理水平",
                "CGJ",
                "",
                T(
                    "生活垃圾分类覆盖率达到95%",
                    "CGJ",
                    "JBJD XCJD HXJD WHJD",
                    measure=M("垃圾分类覆盖率", "%", 85, 95),
                ),
                T("整治背街小巷60条", "CGJ", "JBJD XCJD HXJD WHJD", measure=M("背街小巷整治", "条", 0, 60)),
                T("创建全国文明城区迎检工作", "XCB", "CGJ JBJD XCJD HXJD WHJD", ms=REFORM_MS),
            ),
        ],
    ),
    (
        "乡村全面振兴",
        [
            T(
                "保障粮食安全和重要农产品供给",
                "NYJ",
                "QSZ",
                T("粮食播种面积稳定在5.2万亩以上", "NYJ", "QSZ"),
                T(
                    "新建高标准农田1.5万亩",
                    "NYJ",
                    "ZRJ CZJ",
                    measure=M("高标准农田", "万亩", 0, 1.5),
                    ms=PROJECT_MS,
                ),
                T("落实地方储备粮轮换任务", "LCJ", "", due="10"),
            ),
            T(
                "建设宜居宜业和美乡村",
                "XCZX",
                "QSZ NYJ",
                T("创建美丽乡村示范村5个", "XCZX", "QSZ", measure=M("示范村", "个", 0, 5)),
                T("农村生活污水治理率达到60%", "STJ", "QSZ SWJ", measure=M("污水治理率", "%", 45, 60)),
                T("村级集体经济收入全部达到20万元以上", "NYJ", "QSZ"),
                T(
                    "发展青山茶产业，茶叶综合产值达到6亿元",
                    "QSZ",
                    "NYJ GXS",
                    measure=M("茶叶综合产值", "亿元", 0, 6),
                ),
            ),
        ],
    ),
    (
        "生态环境保护",
        [
            T(
                "深入打好污染防治攻坚战",
                "STJ",
                "",
                T(
                    "空气质量优良天数比例达到85%",
                    "STJ",
                    "CGJ ZJJ",
                    measure=M("优良天数比例", "%", 80, 85, plan="rate"),
                ),
                T("国省控断面水质达标率100%", "STJ", "SWJ"),
                T("完成中央生态环境保护督察反馈问题整改", "STJ", "ZRJ SWJ NYJ", due="09", ms=REFORM_MS),
                T("开展建筑工地扬尘专项整治", "ZJJ", "CGJ STJ", due="Q2"),
            ),
            T(
                "推进绿色低碳发展",
                "FGJ",
                "JXJ",
                T("淘汰落后产能企业10家", "JXJ", "STJ JKQ"),
                T("新增分布式光伏装机5万千瓦", "FGJ", "GD JKQ", measure=M("光伏装机", "万千瓦", 0, 5)),
                T("完成造林绿化1200亩", "LYJ", "QSZ", measure=M("造林绿化", "亩", 0, 1200)),
                T("落实河湖长制，开展“清四乱”行动", "SWJ", "JBJD HXJD WHJD QSZ", public=True),
            ),
        ],
    ),
    (
        "民生实事",
        [
            T(
                "办好十件民生实事",
                "ZFB",
                "DCS",
                T(
                    "新建改扩建中小学、幼儿园6所，新增学位5400个",
                    "JYJ",
                    "ZJJ CTJT",
                    ms=PROJECT_MS,
                    public=True,
                ),
                T("新建社区嵌入式养老服务中心12个", "MZJ", "JBJD XCJD HXJD WHJD", public=True),
                T("建设“15分钟便民生活圈”10个", "SWUJ", "JBJD XCJD", public=True),
                T("为65岁以上老年人免费健康体检", "WJW", "", public=True),
                T("新增公办托位800个", "WJW", "JYJ", measure=M("新增托位", "个", 0, 800), public=True),
                T("建设全民健身中心和社区健身点50个", "TYUJ", "ZRJ", public=True),
                T(
                    "筹集保障性租赁住房2000套",
                    "FGLJ",
                    "ZJJ",
                    measure=M("保障性租赁住房", "套", 0, 2000),
                    public=True,
                ),
                T("实施残疾人家庭无障碍改造300户", "CL", "MZJ", public=True),
                T("新增城市公交线路8条", "JTJ", "", public=True),
                T("开展群众“急难愁盼”问题集中办理", "XFJ", "ZFB", public=True),
            ),
            T(
                "促进高质量充分就业",
                "RSJ",
                "",
                T(
                    "开展职业技能培训1.5万人次",
                    "RSJ",
                    "ZGH FL",
                    measure=M("技能培训", "人次", 0, 15000, plan="cum"),
                ),
                T("高校毕业生就业见习岗位1000个", "RSJ", "TQW", measure=M("见习岗位", "个", 0, 1000)),
                T("根治欠薪，实现“两清零”", "RSJ", "ZJJ SFJ", public=True),
            ),
            T(
                "推进健康临江建设",
                "WJW",
                "YBJ",
                T("紧密型医共体建设全覆盖", "WJW", "YBJ", ms=REFORM_MS),
                T("医保基金监管专项检查", "YBJ", "WJW SCJ", due="Q3"),
                T("基层医疗机构标准化改造15家", "WJW", "JBJD QSZ", measure=M("标准化改造", "家", 0, 15)),
            ),
            T(
                "发展优质均衡教育",
                "JYJ",
                "",
                T("推进集团化办学，新组建教育集团5个", "JYJ", ""),
                T("落实“双减”，课后服务全覆盖", "JYJ", "", public=True),
                T("引进和培养骨干教师200名", "JYJ", "RSJ BB"),
            ),
        ],
    ),
    (
        "平安临江建设",
        [
            T(
                "守牢安全生产底线",
                "YJJ",
                "",
                T("开展安全生产治本攻坚三年行动", "YJJ", "ZJJ JTJ SCJ", ms=REFORM_MS),
                T("生产安全事故起数和死亡人数“双下降”", "YJJ", "GAJ JJDD"),
                T("整治燃气安全隐患", "RQ", "ZJJ YJJ SCJ", due="Q2"),
                T("完成自建房安全专项整治", "ZJJ", "JBJD XCJD HXJD WHJD QSZ", due="08"),
                T("建成区级应急物资储备库", "YJJ", "LCJ", ms=PROJECT_MS),
            ),
            T(
                "建设更高水平平安临江",
                "ZFW",
                "GAJ SFJ",
                T("电信网络诈骗发案数下降15%", "GAJ", "DXGS YD RMYH"),
                T("推进矛盾纠纷多元化解“一站式”中心建设", "ZFW", "SFJ XFJ FY"),
                T("信访积案化解率达到90%", "XFJ", "ZFW", measure=M("积案化解率", "%", 60, 90)),
                T("开展道路交通安全整治", "JJDD", "JTJ GAJ"),
            ),
        ],
    ),
    (
        "政府自身建设",
        [
            T(
                "建设法治政府和廉洁政府",
                "SFJ",
                "ZFB",
                T("重大行政决策合法性审查全覆盖", "SFJ", ""),
                T("落实过紧日子要求，一般性支出压减5%", "CZJ", "JGJ"),
                T("完成区级预算执行审计", "SJJ", "CZJ", due="08", ms=REFORM_MS),
                T("人大代表建议和政协提案按期办结率100%", "ZFB", "RDB ZXB", due="10", public=True),
            ),
            T(
                "狠抓工作落实",
                "DCS",
                "ZFB",
                T("建立重点工作“月调度、季通报”机制", "DCS", "ZFB"),
                T("开展年度目标考核", "DCS", "ZZB TJJ", due="12"),
                T("推进“12345”热线诉求办理提质", "ZSJ", "XFJ"),
            ),
        ],
    ),
]

WORK.append(
    (
        "党的建设和作风建设",
        [
            T(
                "深化基层党建引领基层治理",
                "ZZB",
                "MZJ",
                T("推进党建引领网格化治理，划定网格并配齐网格员", "ZFW", "MZJ JBJD XCJD HXJD WHJD QSZ"),
                T("整顿软弱涣散基层党组织", "ZZB", "QSZ JBJD"),
                T("开展“两新”组织党建覆盖攻坚", "ZZB", "SCJ GSL"),
                T("村（社区）干部专题轮训全覆盖", "ZZB", "DX"),
            ),
            T(
                "持续改进作风、为基层减负",
                "QWB",
                "ZFB",
                T("精简文件会议，发文数量压减10%", "QWB", "ZFB"),
                T("规范督查检查考核事项", "DCS", "QWB ZFB"),
                T("开展“躺平式”干部专项整治", "JW", "ZZB"),
                T("落实中央八项规定精神，开展常态化监督检查", "JW", ""),
            ),
            T(
                "加强意识形态和宣传思想文化工作",
                "XCB",
                "RMT WXB",
                T("新时代文明实践中心（所、站）提质增效", "XCB", "JBJD XCJD HXJD WHJD QSZ"),
                T("开展网络生态治理专项行动", "WXB", "GAJ"),
                T("建设区融媒体中心“临江发布”全媒体矩阵", "RMT", "XCB"),
            ),
        ],
    )
)
SHARES_EXTRA = {
    "推进党建引领网格化治理，划定网格并配齐网格员": ("完成网格划分和网格员配备", ()),
    "新时代文明实践中心（所、站）提质增效": ("建成新时代文明实践所示范点", ()),
}

# The campaign (大干60天): 攻坚目标 → 具体任务, weekly reports.
CAMPAIGN: list[TaskSpec] = [
    T(
        "重点项目建设攻坚",
        "FGJ",
        "JKQ GXQ ZBQ",
        T("新开工亿元以上项目20个", "FGJ", "JKQ GXQ", measure=M("新开工项目", "个", 0, 20)),
        T("重点项目完成投资冲刺35亿元", "FGJ", "JKQ GXQ ZBQ", measure=M("完成投资", "亿元", 0, 35)),
        T("临江港二期码头主体工程节点攻坚", "ZBQ", "JTJ"),
        T("集成电路封测基地设备进场", "GXQ", "JXJ"),
        T("冷链物流园完成场平", "ZBQ", "ZRJ"),
    ),
    T(
        "招商引资攻坚",
        "TCJ",
        "JKQ GXQ",
        T("签约亿元以上项目15个", "TCJ", "JKQ GXQ ZBQ", measure=M("签约项目", "个", 0, 15)),
        T("举办专题招商推介会3场", "TCJ", "SWUJ"),
        T("在谈重点项目逐一跟踪销号", "TCJ", "YSJ"),
    ),
    T(
        "经济运行冲刺",
        "FGJ",
        "TJJ",
        T("规上工业企业满负荷生产调度", "JXJ", "GD JKQ"),
        T("限上商贸企业入库10家", "SWUJ", "TJJ", measure=M("入库企业", "家", 0, 10)),
        T("组织年末促消费活动", "SWUJ", "WLJ"),
        T("税收收入应收尽收", "TAX", "CZJ"),
    ),
    T(
        "民生保障攻坚",
        "MZJ",
        "",
        T("冬季供暖保障", "ZJJ", "RQ GD"),
        T("困难群众冬春救助全覆盖", "MZJ", "JBJD XCJD HXJD WHJD QSZ"),
        T("农民工工资清欠", "RSJ", "ZJJ", measure=M("清欠工资", "万元", 0, 2600)),
        T("民生实事项目竣工冲刺", "ZFB", "JYJ WJW"),
    ),
    T(
        "安全稳定攻坚",
        "YJJ",
        "",
        T("冬季安全生产大检查", "YJJ", "SCJ ZJJ"),
        T("燃气管道老化更新攻坚", "RQ", "ZJJ"),
        T("消防安全隐患排查整治", "YJJ", "JBJD XCJD HXJD WHJD"),
        T("重点信访事项化解", "XFJ", "ZFW"),
    ),
    T(
        "生态环境攻坚",
        "STJ",
        "",
        T("秋冬季大气污染防治攻坚", "STJ", "CGJ ZJJ"),
        T("建筑工地扬尘“六个百分百”检查", "ZJJ", "CGJ"),
        T("河道保洁和入河排污口整治", "SWJ", "STJ"),
    ),
]

# Targets shared out as 岗位任务 (generated children): parent title -> (template, unit codes);
# no codes means the streets among the parent's co-units, or all streets.
SHARES: dict[str, tuple[str, tuple[str, ...]]] = {
    "新建社区嵌入式养老服务中心12个": ("建成社区嵌入式养老服务中心", ()),
    "完成自建房安全专项整治": ("完成辖区自建房排查整治", ()),
    "整治背街小巷60条": ("完成辖区背街小巷整治", ()),
    "困难群众冬春救助全覆盖": ("完成辖区困难群众走访救助", ()),
    "改造老旧小区42个": ("完成辖区老旧小区改造年度任务", STREET_CODES),
    "生活垃圾分类覆盖率达到95%": ("推进辖区生活垃圾分类，覆盖率达到95%", ()),
    "创建全国文明城区迎检工作": ("做好辖区文明城区创建迎检", ()),
    "开展群众“急难愁盼”问题集中办理": ("集中办理辖区群众急难愁盼问题", STREET_CODES),
    "落实河湖长制，开展“清四乱”行动": ("落实辖区河湖长制，完成“清四乱”", ()),
    "建设“15分钟便民生活圈”10个": ("建成便民生活圈", ()),
    "推进矛盾纠纷多元化解“一站式”中心建设": ("建成街道矛盾纠纷调处化解中心", STREET_CODES),
    "消防安全隐患排查整治": ("完成辖区消防安全隐患排查整治", ()),
    "人大代表建议和政协提案按期办结率100%": (
        "按期办结承办的人大代表建议和政协提案",
        ("ZJJ", "JYJ", "WJW", "JTJ", "CGJ", "ZRJ", "STJ", "MZJ", "RSJ", "NYJ"),
    ),
    "开展“万名干部进万企”服务活动": (
        "包联企业走访服务全覆盖",
        ("FGJ", "JXJ", "KJJ", "SWUJ", "TCJ", "SCJ", "TAX", "ZSJ"),
    ),
    "清理拖欠企业账款": ("清偿拖欠中小企业账款", ("JYJ", "WJW", "ZJJ", "JTJ", "CTJT", "WLJT")),
    "推进“12345”热线诉求办理提质": (
        "热线诉求按时办结率达到95%以上",
        ("ZJJ", "CGJ", "SCJ", "FGLJ", "RSJ", "JYJ", "GD", "ZLS", "RQ"),
    ),
    **SHARES_EXTRA,
    "根治欠薪，实现“两清零”": ("完成辖区欠薪隐患排查化解", STREET_CODES + ("JKQ", "GXQ")),
}

NARRATIVES = (
    "按计划推进，本期完成既定工作量。",
    "已召开专题推进会，明确时间表和责任人，各项工作有序推进。",
    "牵头单位会同配合单位现场调度，协调解决了用地和资金问题。",
    "已完成阶段性目标，正在开展下一阶段工作。",
    "加强与市级部门对接，争取政策和资金支持，进展顺利。",
    "建立周调度机制，逐项对账销号。",
    "累计完成情况已与统计部门核对一致。",
)
PROBLEMS = (
    "受雨季施工影响，部分工程进度滞后。",
    "项目前期手续办理周期较长，用地指标尚未落实。",
    "配套资金拨付不及时，影响施工进度。",
    "部分企业生产经营困难，指标增长乏力。",
    "征收拆迁遇到个别钉子户，需属地街道加大工作力度。",
    "上级审批尚未批复，需持续跟进。",
)
NEXT_STEPS = (
    "下一步将倒排工期，挂图作战，确保按期完成。",
    "下一步将加强调度，每周通报进展。",
    "下一步将提请分管区领导协调解决。",
    "继续做好跟踪服务，确保年度目标完成。",
)
RETURN_REASONS = (
    "数据与统计部门口径不一致，请核实后重报。",
    "佐证材料不全，请补充现场照片和验收资料。",
)
REJECT_REASONS = (
    "佐证材料不足，缺少竣工验收报告，请补充后再申请销号。",
    "尚有配合单位工作未完成，暂不具备销号条件。",
    "经现场核查，工程尚未全部完工。",
)
