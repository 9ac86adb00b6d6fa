/*
 * help.c - jrpctl's commands as one table: name, synopsis, summary, description
 * and options, in English and Chinese. It drives `jrpctl --help` (the list),
 * `jrpctl COMMAND --help` and `jrpctl help COMMAND` (one command: usage,
 * description, options), their --json form and the usage printed after a usage
 * error; the manual page jrpctl(1) says the same (tests/man.sh checks that it
 * has an entry for every command here, tests/integration/cli.sh asks each one
 * for its help).
 * Help goes to stdout with exit 0; a usage error goes to stderr with exit 2.
 */
#include "ctl.h"
#include "util/i18n.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { G_DEPARTMENTS, G_AGENCIES, G_OFFICE, G_OPERATOR, G_GENERAL, G__N };

static const char *const group_en[G__N] = { "departments", "agencies", "office", "operator", "help" };
static const char *const group_zh[G__N] = { "认定部门", "实施部门", "联席会议办公室", "运维", "帮助" };

typedef struct ctl_opt {
	const char *opt, *en, *zh;
} ctl_opt;

typedef struct ctl_cmd {
	const char *name;          /* the words that name it: "rules check" */
	int group;
	const char *synopsis;      /* after "jrpctl ": one form per line */
	const char *summary_en, *summary_zh;   /* one line, for the list */
	const char *desc_en, *desc_zh;         /* one paragraph */
	const ctl_opt *opts;       /* ends with { NULL } */
} ctl_cmd;

#define OPTS(...) ((const ctl_opt[]){ __VA_ARGS__, { NULL, NULL, NULL } })
#define NOOPTS ((const ctl_opt[]){ { NULL, NULL, NULL } })

static const ctl_cmd cmds[] = {
	/* ---- departments ---- */
	{ "submit", G_DEPARTMENTS,
	  "submit --file FILE\n"
	  "submit --lines FILE\n"
	  "submit --csv FILE [--mapping FILE] [--check] [--refused FILE]\n"
	  "submit --record-id ID --kind KIND --domain D --subject-type org|person --code CODE --name NAME\n"
	  "       --decision-date YYYY-MM-DD [--violation V] [--amount YUAN] [--base-amount YUAN] [--quantity N]\n"
	  "       [--extension PERIOD] [--publish-until YYYY-MM-DD] [--rating R] [--standard S] [--decision-no N]\n"
	  "       [--facts TEXT] [--basis TEXT] [--id-type T] [--notice-date YYYY-MM-DD [--notice-linked]]\n"
	  "       [--final yes|no] [--refers-to RECORD_ID] [--order-date YYYY-MM-DD --order-due YYYY-MM-DD]\n"
	  "       [--commitment missing_papers|notification|pledge --matter M --due YYYY-MM-DD --content TEXT]",
	  "submit credit records: one (a file or flags), a JSON-lines file, or a CSV file",
	  "报送信用信息记录: 单条(文件或参数)、JSON-lines 文件或 CSV 文件",
	  "A department reports the credit records formed while performing its duties, within 7 working days of "
	  "the decision. jrp-ingest validates each record (codes, fields, the department's domains), drops a record "
	  "id sent before as a duplicate, and answers after the commit: \"accepted and committed as event #N\". "
	  "--lines sends every line of a JSON-lines file through the same path, 256 requests in flight, with a "
	  "progress bar on a terminal; a refused line is reported with its number as \"refused [code] field: "
	  "message\" and the others are committed (exit 1 if any was refused); running it again is safe. --csv "
	  "reads a CSV file whose columns a mapping file names. With --json the reply, or for a file the summary "
	  "(accepted, duplicates, refused and each refusal with its line), is one JSON object.",
	  "认定部门在作出决定后 7 个工作日内报送履职中形成的信用信息记录。jrp-ingest 逐条校验(代码、字段、"
	  "部门的领域), 以记录号去重, 提交后才答复: \"已受理并提交为事件 #N\"。--lines 把 JSON-lines 文件的每一行"
	  "经同一路径报送, 同时在途 256 个请求, 终端上显示进度条; 被拒绝的行以行号报告为 \"被拒绝 [code] field: "
	  "message\", 其余照常提交(有拒绝时退出码为 1); 重复运行是安全的。--csv 读取 CSV 文件, 各列由映射文件"
	  "指定。加 --json 时, 答复(或文件的汇总: 受理、重复、拒绝数及每条拒绝及其行号)是一个 JSON 对象。",
	  OPTS({ "--file FILE", "one record, a JSON or YAML map (\"-\": standard input)",
		 "一条记录, JSON 或 YAML 映射(\"-\" 为标准输入)" },
	       { "--lines FILE", "every record of a JSON-lines file, pipelined, with progress",
		 "JSON-lines 文件中的每条记录, 流水线报送并显示进度" },
	       { "--csv FILE", "every row of a CSV file as a record", "CSV 文件的每一行作为一条记录" },
	       { "--mapping FILE", "with --csv: which column is which record field", "与 --csv 合用: 各列对应的记录字段" },
	       { "--check", "with --csv: check every row (asked of ingest with record.check: duplicates included), store nothing", "与 --csv 合用: 检查每一行(经 ingest 的 record.check, 含重复), 不存储" },
	       { "--refused FILE", "with --csv: write the refused rows to FILE", "与 --csv 合用: 把被拒绝的行写入 FILE" },
	       { "--record-id ID", "the department's own id of the record (duplicates are dropped by it)",
		 "部门自己的记录号(据此去重)" },
	       { "--kind KIND", "penalty, licence, judgment, commitment, commitment_kept, commitment_broken, finality, ...",
		 "penalty、licence、judgment、commitment、commitment_kept、commitment_broken、finality 等" },
	       { "--domain D", "the domain of the catalogue the record belongs to", "记录所属的目录领域" },
	       { "--subject-type org|person", "an organisation or a natural person", "组织或自然人" },
	       { "--code CODE", "unified social credit code, or citizen ID number", "统一社会信用代码或公民身份号码" },
	       { "--name NAME", "the subject's name", "主体名称" },
	       { "--id-type T", "hmt or foreign: another kind of identity document", "hmt 或 foreign: 其他身份证件" },
	       { "--decision-date YYYY-MM-DD", "the date of the decision", "决定日期" },
	       { "--decision-no N", "the decision's document number", "决定文书号" },
	       { "--violation V", "the violation type", "违法失信类型" },
	       { "--amount YUAN", "the amount in whole yuan", "金额(整数元)" },
	       { "--base-amount YUAN", "the amount the penalty was counted from, whole yuan", "计罚基数(整数元)" },
	       { "--quantity N", "a quantity, whole number", "数量(整数)" },
	       { "--extension PERIOD", "the record's extension period", "延长期限" },
	       { "--publish-until YYYY-MM-DD", "the end of publication", "公示截止日期" },
	       { "--rating R", "a credit rating (tax rating A, B, ...)", "信用等级(如纳税信用 A、B 级)" },
	       { "--standard S", "the list standard the department identifies under", "部门据以认定的名单标准" },
	       { "--facts TEXT", "the facts", "违法事实" },
	       { "--basis TEXT", "the legal basis", "法律依据" },
	       { "--notice-date YYYY-MM-DD", "the subject was notified already, on that day", "主体已于该日被告知" },
	       { "--notice-linked", "that notice reached its linked persons too", "该告知同时送达其关联人员" },
	       { "--final yes|no", "the decision is final (in a finality record: or was annulled)",
		 "决定已生效(在 finality 记录中: 或已撤销)" },
	       { "--refers-to RECORD_ID", "the record a finality, commitment_kept or commitment_broken record reports on",
		 "finality、commitment_kept 或 commitment_broken 记录所指的记录" },
	       { "--order-date YYYY-MM-DD", "the date of the unmet order to correct or pay", "未履行的责令改正或缴纳决定的日期" },
	       { "--order-due YYYY-MM-DD", "its deadline", "其期限" },
	       { "--commitment TYPE", "missing_papers, notification or pledge: a credit commitment (kind commitment)",
		 "missing_papers、notification 或 pledge: 信用承诺(kind commitment)" },
	       { "--matter M", "with --commitment: the matter kind", "与 --commitment 合用: 事项类别" },
	       { "--due YYYY-MM-DD", "with --commitment: when it is due", "与 --commitment 合用: 承诺期限" },
	       { "--content TEXT", "with --commitment: what was promised", "与 --commitment 合用: 承诺内容" }) },
	{ "commitments", G_DEPARTMENTS, "commitments [--state open|overdue|kept|broken] [--party P]",
	  "the credit commitments accepted, by state", "已受理的信用承诺, 按状态列出",
	  "The credit commitments (信用承诺, 容缺受理) accepted: a department sees its own, the office everyone's or one "
	  "party's. For each: its state, when it is due, who accepted it, the record, the type and matter, what was "
	  "promised, and when and by which record it was kept or broken.",
	  "已受理的信用承诺(含容缺受理): 部门看自己的, 联席会议办公室看全部或某一方的。每条列出状态、期限、"
	  "受理方、记录、类型和事项、承诺内容, 以及何时由哪条记录认定为履行或违背。",
	  OPTS({ "--state S", "open, overdue, kept or broken only", "只列 open、overdue、kept 或 broken" },
	       { "--party P", "(the office) one party's", "(联席会议办公室)只列某一方的" }) },
	{ "subject", G_DEPARTMENTS, "subject CODE [--id-type hmt|foreign] [--as-of TIME]", "a subject's credit record: records, entries, tasks",
	  "主体的信用档案: 记录、名单条目、任务",
	  "A subject's whole credit record from three daemons: the records reported about it (jrp-ingest), its list "
	  "entries with their latest 100 history items each and their deadlines (jrp-adjudicate), and the tasks "
	  "pushed to agencies about it with their feedback (jrp-feedback). --json: one object {subject, records, "
	  "entries, tasks}.",
	  "从三个守护进程汇集主体的完整信用档案: 报送的记录(jrp-ingest), 名单条目及其各自最近 100 条历史和期限"
	  "(jrp-adjudicate), 推送给实施部门的任务及反馈(jrp-feedback)。--json: 一个对象 {subject, records, "
	  "entries, tasks}。",
	  NOOPTS },
	{ "history", G_DEPARTMENTS, "history ENTRY [--after N]", "an entry's whole history, every item",
	  "名单条目的完整历史",
	  "Every item of an entry's history, numbered, page after page: when, what happened, by whom, with the note. "
	  "--json: one object {entry, history}.",
	  "名单条目历史的每一项, 按编号逐页列出: 时间、事件、由谁、备注。--json: 一个对象 {entry, history}。",
	  OPTS({ "--after N", "start after item N", "从第 N 项之后开始" }) },
	{ "notice", G_DEPARTMENTS, "notice ENTRY YYYY-MM-DD [--linked]", "report when the subject was notified",
	  "报告告知主体的日期",
	  "The identifying department reports the day it notified the subject before listing (natural persons, and "
	  "standards with notice: true); the period for the subject to state its case, or the objection window, "
	  "starts from it.",
	  "认定部门报告列入名单前告知主体的日期(自然人, 以及 notice: true 的标准); 主体陈述申辩的期限或异议期"
	  "由此起算。",
	  OPTS({ "--linked", "the same notice reached the persons linked to the subject", "同一告知也送达了主体的关联人员" }) },
	{ "object", G_DEPARTMENTS, "object ENTRY --reason TEXT", "file an objection to an entry", "对名单条目提出异议",
	  "An objection (异议), by the subject through a department or the office, or by an agency that finds the data "
	  "untrue. Inside the objection window it holds the entry; while a black-list entry is verified its "
	  "punishments are suspended.",
	  "异议: 由主体通过部门或联席会议办公室提出, 或由发现数据不实的实施部门提出。在异议期内提出的异议使条目"
	  "暂缓生效; 黑名单条目核实期间暂停其惩戒措施。",
	  OPTS({ "--reason TEXT", "why", "理由" }) },
	{ "decide-objection", G_DEPARTMENTS, "decide-objection ENTRY upheld|wrong [--note TEXT]",
	  "decide an objection", "对异议作出决定",
	  "The identifying department decides an objection: upheld (the entry stands) or wrong (the entry is revoked, "
	  "and the subject's measures are stopped).",
	  "认定部门对异议作出决定: upheld(维持条目)或 wrong(撤销条目, 停止对主体的措施)。",
	  OPTS({ "--note TEXT", "the reasons", "理由" }) },
	{ "repair", G_DEPARTMENTS, "repair ENTRY --methods commitment,training,report,service [--note TEXT]",
	  "apply for credit repair", "申请信用修复",
	  "A credit repair application (信用修复) for an entry, after the minimum period its standard sets: public "
	  "credit commitment, repair training, credit report, public-interest service.",
	  "在标准规定的最短期限后, 为名单条目申请信用修复: 公开信用承诺、修复培训、信用报告、公益服务。",
	  OPTS({ "--methods M1,M2", "commitment, training, report, service", "commitment、training、report、service" },
	       { "--note TEXT", "a note", "备注" }) },
	{ "decide-repair", G_DEPARTMENTS, "decide-repair ENTRY approve|reject [--note TEXT]", "decide a repair application",
	  "对修复申请作出决定",
	  "The identifying department approves a repair application (the entry exits early) or rejects it.",
	  "认定部门批准修复申请(条目提前移出)或予以驳回。",
	  OPTS({ "--note TEXT", "the reasons", "理由" }) },
	{ "abuse", G_DEPARTMENTS, "abuse ENTRY --note TEXT", "a red-list subject abused its rewards",
	  "红名单主体滥用激励",
	  "Report that a red-list subject abused its rewards: it leaves the red list.",
	  "报告红名单主体滥用激励措施: 将其移出红名单。",
	  OPTS({ "--note TEXT", "what happened", "情况说明" }) },
	{ "publication", G_DEPARTMENTS, "publication [--after N] [--follow]", "the public, masked publication log",
	  "公开的、已脱敏的公示日志",
	  "The public publication log (anyone may read it): entries that became effective or exited, with the "
	  "subject's name and code masked as the rules say. --follow waits for new ones. --json: the reply, one "
	  "object per page.",
	  "公开的公示日志(任何人可读): 生效或移出的条目, 主体名称和代码按规定脱敏。--follow 持续等待新记录。"
	  "--json: 每页一个答复对象。",
	  OPTS({ "--after N", "start after publication record N", "从第 N 条公示记录之后开始" },
	       { "--follow", "keep waiting for new records", "持续等待新记录" }) },
	/* ---- agencies ---- */
	{ "check", G_AGENCIES, "check CODE --matter KIND [--id-type hmt|foreign] [--as-of TIME]",
	  "lists and measures before handling a matter (recorded)", "办理事项前核查名单和措施(留痕)",
	  "The check an agency makes before every handling (逢办必查): is the subject on a list, and which measures of "
	  "the catalogue apply to this matter kind, mandatory first, those the agency must apply marked. The check "
	  "itself is recorded. A malformed code is refused, never answered \"not listed\".",
	  "实施部门每次办理事项前的核查(逢办必查): 主体是否在名单上, 目录中哪些措施适用于该类事项, 强制性措施在前, "
	  "本部门应实施的加以标注。核查本身留痕。格式错误的代码被拒绝, 绝不答复为\"未列入\"。",
	  OPTS({ "--matter KIND", "the matter kind being handled", "所办理事项的类别" },
	       { "--id-type T", "hmt or foreign: another kind of identity document", "hmt 或 foreign: 其他身份证件" },
	       { "--as-of TIME", "what was in force at a past instant (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+08:00), under the "
		 "catalogue of then, with the change each entry was in by; not recorded (a dispute, not a handling)",
		 "按过去某一时刻的情况答复(YYYY-MM-DD 或 YYYY-MM-DDTHH:MM:SS+08:00): 当时施行的目录, 各条目所处状态所依据的变更; "
		 "不留痕(用于争议, 而非办理)" }) },
	{ "tasks", G_AGENCIES, "tasks [--after N] [--max N] [--ack] [--follow]", "read (and acknowledge) your task stream",
	  "读取(并确认)本部门的任务流",
	  "An agency's task stream: the measures it must apply, extend, suspend, resume or stop, and the duties of a "
	  "department, from its stored cursor (or after N). --ack stores the new cursor; --follow long-polls for new "
	  "tasks. --json: the reply, one object per page.",
	  "实施部门的任务流: 需要实施、延长、中止、恢复或停止的措施, 以及部门的职责任务, 从已保存的游标(或第 N "
	  "项之后)开始。--ack 保存新游标; --follow 长轮询新任务。--json: 每页一个答复对象。",
	  OPTS({ "--after N", "start after task N instead of the stored cursor", "从第 N 个任务之后开始, 而非已保存的游标" },
	       { "--max N", "at most N tasks a page (default 100)", "每页最多 N 个任务(默认 100)" },
	       { "--ack", "acknowledge what was read", "确认已读取的任务" },
	       { "--follow", "keep waiting for new tasks", "持续等待新任务" }) },
	{ "ack", G_AGENCIES, "ack SEQ", "acknowledge your task stream up to SEQ", "确认任务流至 SEQ",
	  "Store your cursor: every task up to SEQ has been taken in.", "保存游标: SEQ 及之前的任务均已接收。", NOOPTS },
	{ "feedback", G_AGENCIES,
	  "feedback TASK applied|not_applicable|failed [--matter-id ID] [--date D] [--note TEXT] [--case]",
	  "report what you did with a task", "反馈任务的办理结果",
	  "An agency reports what it did with one of its own tasks: applied, not applicable, or failed. A second, "
	  "identical feedback is answered as recorded already; a different one is refused.",
	  "实施部门反馈其任务的办理结果: applied(已实施)、not_applicable(不适用)或 failed(未能实施)。"
	  "相同的再次反馈答复为已记录; 不同的则被拒绝。",
	  OPTS({ "--matter-id ID", "the agency's own id of the matter", "本部门的事项编号" },
	       { "--date D", "when it was done", "办理日期" },
	       { "--note TEXT", "a note", "备注" },
	       { "--case", "a typical case (案例归集)", "典型案例(案例归集)" }) },
	/* ---- office ---- */
	{ "stats", G_OFFICE, "stats [--from YYYY-MM-DD --to YYYY-MM-DD] [--daily]", "statistics of the whole mechanism",
	  "整个机制的统计",
	  "The office's figures: lists in force by domain, tasks and feedback per agency, departments' duties and "
	  "records reported late, who lags, how long objections and repairs take, credit commitments, and the records "
	  "a daemon keeps unapplied. With a period: what happened in it. --json: one object {feedback, ingest, "
	  "rejected}.",
	  "联席会议办公室的统计: 各领域在册名单, 各实施部门的任务和反馈, 各部门的职责任务和迟报记录, 谁滞后, "
	  "异议和修复耗时, 信用承诺, 以及守护进程未能应用而保留的记录。指定期间时: 该期间内发生的情况。"
	  "--json: 一个对象 {feedback, ingest, rejected}。",
	  OPTS({ "--from YYYY-MM-DD", "the first day of the period", "期间的第一天" },
	       { "--to YYYY-MM-DD", "its last day", "期间的最后一天" },
	       { "--daily", "feedback's figures day by day over the period (at most 366 days), as a table",
		 "按日列出期间内的反馈统计(最多 366 天)" }) },
	{ "overdue", G_OFFICE, "overdue [--party P]", "what is past its deadline", "已逾期的事项",
	  "What is past its deadline: which task or duty, whose, due when, how many working days late. An agency or "
	  "a department sees its own; the office everyone's, or P's.",
	  "已超过期限的事项: 哪个任务或职责、属于谁、何时到期、逾期多少个工作日。实施部门或认定部门看自己的; "
	  "联席会议办公室看全部或 P 的。",
	  OPTS({ "--party P", "(the office) one party's", "(联席会议办公室)只列某一方的" }) },
	{ "audit", G_OFFICE, "audit --subject CODE [--id-type hmt|foreign] [--from TIME] [--to TIME]\naudit --from TIME --to TIME",
	  "who changed what, when, from which record", "谁在何时依据哪条记录改变了什么",
	  "An audit trail: a subject's whole history, or every record, change, task and check in a time range, "
	  "each with when, who, what and the record it came from; records older than the retention are read from "
	  "the archives. As the office unless --as. TIME: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+08:00.",
	  "审计轨迹: 一个主体的全部历史, 或某时间段内的每条记录、变更、任务和核查, 各列出时间、操作方、内容和所依据"
	  "的记录; 超过保留期的记录从归档中读取。未指定 --as 时以联席会议办公室身份查询。TIME: YYYY-MM-DD 或 "
	  "YYYY-MM-DDTHH:MM:SS+08:00。",
	  OPTS({ "--subject CODE", "one subject's trail", "一个主体的轨迹" },
	       { "--from TIME", "from this time", "起始时间" },
	       { "--to TIME", "up to this time", "截止时间" }) },
	{ "exchange", G_OFFICE,
	  "exchange status\n"
	  "exchange sent|received [--region R]\n"
	  "exchange initiate --to R --subject CODE --name NAME [--type org|person] [--id-type T] --list black|focus\n"
	  "       --domain D --reason TEXT --facts TEXT [--basis TEXT]\n"
	  "exchange initiations sent|received [--region R]\n"
	  "exchange decide REGION ID accepted|refused --reason TEXT [--standard S]\n"
	  "exchange reports [--region R]\n"
	  "exchange rejected REGION [--all]\n"
	  "exchange retry REGION SEQ",
	  "between regions: what was shared, initiations and their decisions, peers' reports",
	  "跨地区: 共享的名单信息、联合惩戒发起及其决定、外地的反馈报告",
	  "The office's side of jrp-exchange, this region's door to the other regions (only with an exchange: "
	  "section in the configuration). status: each peer region, how far it has taken this region's stream, how "
	  "far this region has pulled its stream, whether that pull stopped and why, and what waits for ingest. sent "
	  "and received: the exchange records themselves (shared entries, initiations, replies, reports), in order. "
	  "initiate: ask region R to identify a subject under its own standards (cross-region joint punishment); "
	  "prints the initiation's id. initiations: those sent and their answers, or those received and whether they "
	  "were decided. decide: accept a received initiation (the subject is identified here under standard S, "
	  "then this region's own notice, objection and effect follow) or refuse it; the reply goes home either "
	  "way. reports: what each peer's agencies did about this region's shared entries (tasks, done, awaiting, "
	  "overdue), as it last reported. rejected: the records of REGION's stream this region could not apply, kept "
	  "in order with the reason (--all: those applied since too); retry: apply one again after a fix (exactly "
	  "once; those held behind it follow). --json: the daemon's reply.",
	  "联席会议办公室对 jrp-exchange(本地区与其他地区之间的交换节点)的操作(仅当配置中有 exchange: 段)。"
	  "status: 各对端地区取走本地区数据流的进度、本地区拉取其数据流的进度、拉取是否停止及原因, 以及待送 ingest "
	  "的记录。sent 和 received: 按顺序列出交换记录本身(共享条目、发起、答复、报告)。initiate: 请求地区 R 依其"
	  "自身标准认定某一主体(跨地区联合惩戒), 打印发起编号。initiations: 已发出的发起及其答复, 或已收到的发起"
	  "及是否已决定。decide: 接受收到的发起(主体在本地区依标准 S 认定, 随后按本地区的告知、异议和生效程序"
	  "办理)或拒绝; 无论哪种, 答复都会送回发起地区。reports: 各对端地区的实施部门对本地区共享条目的办理情况"
	  "(任务、已办、待办、逾期), 以其最近一次报告为准。rejected: REGION 数据流中本地区未能应用、按顺序连同原因"
	  "保留的记录(--all: 含此后已应用的); retry: 修正后再次应用其中一条(只应用一次; 排在其后的随之应用)。"
	  "--json: 守护进程的答复。",
	  OPTS({ "--region R", "sent, received, initiations, reports: that peer region only",
		 "sent、received、initiations、reports: 只列该对端地区的" },
	       { "--to R", "initiate: the peer region asked", "initiate: 被请求的对端地区" },
	       { "--subject CODE", "initiate: the subject's code (unified social credit code, citizen ID number)",
		 "initiate: 主体代码(统一社会信用代码、公民身份号码)" },
	       { "--name NAME", "initiate: the subject's name", "initiate: 主体名称" },
	       { "--type org|person", "initiate: an organisation (default) or a natural person",
		 "initiate: 组织(默认)或自然人" },
	       { "--id-type T", "initiate: hmt or foreign: another kind of identity document",
		 "initiate: hmt 或 foreign: 其他身份证件" },
	       { "--list black|focus", "initiate: the list asked for", "initiate: 请求列入的名单" },
	       { "--domain D", "initiate: this region's domain of the dishonesty (in its catalogue)",
		 "initiate: 失信行为在本地区目录中的领域" },
	       { "--reason TEXT", "initiate: why it is asked; decide: the reasons of the decision",
		 "initiate: 请求理由; decide: 决定理由" },
	       { "--facts TEXT", "initiate: the facts", "initiate: 违法失信事实" },
	       { "--basis TEXT", "initiate: the legal basis", "initiate: 法律依据" },
	       { "--standard S", "decide accepted: this region's standard the subject is identified under (required)",
		 "decide accepted: 本地区据以认定该主体的标准(必填)" },
	       { "--all", "rejected: also the records applied since", "rejected: 也列出此后已应用的记录" }) },
	/* ---- operator ---- */
	{ "up", G_OPERATOR, "up", "start the local daemons", "启动本地守护进程",
	  "Start the four daemons of a build tree (from beside jrpctl, or the build tree's services/), each logging to "
	  "RUN_DIR/<daemon>.log, and wait until each answers. An installed jrp runs under systemd instead "
	  "(systemctl start jrp.target).",
	  "启动构建目录中的四个守护进程(在 jrpctl 旁边或构建目录的 services/ 中), 日志写入 RUN_DIR/<daemon>.log, "
	  "并等待每个进程应答。已安装的 jrp 由 systemd 运行(systemctl start jrp.target)。",
	  NOOPTS },
	{ "down", G_OPERATOR, "down", "stop the local daemons", "停止本地守护进程",
	  "Send SIGTERM to each local daemon, downstream first: each finishes its batch in flight, commits and "
	  "exits.",
	  "向每个本地守护进程发送 SIGTERM(下游优先): 各自完成在途批次、提交后退出。",
	  NOOPTS },
	{ "status", G_OPERATOR, "status", "inspect the daemons", "查看守护进程状态",
	  "Each daemon's state: pid, catalogue, clock, log and cursor, space used against the map's maximum and the "
	  "disk, each retained log and its archives, warnings, records kept unapplied and a daemon that stopped "
	  "taking records (in red). Exit 1 if a daemon does not answer. --json: one object, the reply of each daemon "
	  "by name.",
	  "每个守护进程的状态: 进程号、目录版本、时钟、日志和游标, 已用空间相对于映射上限和磁盘, 各保留日志及其归档, "
	  "警告, 未应用而保留的记录, 以及停止接收记录的进程(红色)。有进程无应答时退出码为 1。--json: 一个对象, "
	  "按名称列出各守护进程的答复。",
	  NOOPTS },
	{ "sync", G_OPERATOR, "sync", "wait until every daemon has applied everything upstream",
	  "等待每个守护进程应用完上游的全部内容",
	  "Wait (up to --timeout) until every daemon has applied everything its upstream logged, and the checks "
	  "journaled by dispatch are in its log.",
	  "等待(最长 --timeout)直到每个守护进程都已应用其上游记录的全部内容, 且 dispatch 记入日志的核查已写入其日志。",
	  NOOPTS },
	{ "rejected list", G_OPERATOR, "rejected list [--all]", "records a daemon kept because it could not apply them",
	  "守护进程因无法应用而保留的记录",
	  "The records each daemon kept because it could not apply them: why, and what waits behind each.",
	  "每个守护进程因无法应用而保留的记录: 原因, 以及排在其后等待的记录。",
	  OPTS({ "--all", "those retried already too", "包括已重试过的" }) },
	{ "rejected retry", G_OPERATOR, "rejected retry SEQ [--daemon adjudicate|dispatch|feedback]",
	  "(office) apply a kept record again after a fix", "(联席会议办公室)修复后重新应用保留的记录",
	  "Apply a kept record again after a fix; what waited behind it follows, in order, each once.",
	  "修复后重新应用一条保留的记录; 排在其后的记录随之按序各应用一次。",
	  OPTS({ "--daemon D", "which daemon keeps it, if more than one does", "由哪个守护进程保留(多个时须指明)" }) },
	{ "rules check", G_OPERATOR, "rules check [DIR]", "validate a rules directory", "校验规则目录",
	  "Validate a catalogue directory (default: the configured one) without running anything: domains, matter "
	  "kinds, standards, measures, the calendars.",
	  "不运行任何进程即校验目录(默认为配置中的目录): 领域、事项类别、标准、措施、日历。",
	  NOOPTS },
	{ "rules diff", G_OPERATOR, "rules diff DIR", "(office) what the catalogue in DIR would change",
	  "(联席会议办公室)DIR 中的目录将带来的变化",
	  "What the catalogue in DIR would change if put in force, against the live state: the entries that would "
	  "exit and why, the tasks that would be pushed (apply) and stopped per agency. Changes nothing. --json: one "
	  "object {adjudicate, dispatch}.",
	  "若 DIR 中的目录生效, 相对于当前状态将带来的变化: 将移出的条目及原因, 各实施部门将推送(apply)和停止的"
	  "任务。不做任何改变。--json: 一个对象 {adjudicate, dispatch}。",
	  NOOPTS },
	{ "rules reload", G_OPERATOR, "rules reload", "(office) put the configured rules in force in every daemon",
	  "(联席会议办公室)使配置的规则在每个守护进程中生效",
	  "Put the configured rules directory in force in every daemon without a restart, downstream first; the "
	  "entries in force then follow the new measures in the background. --json: one object, each daemon's reply "
	  "by name.",
	  "无需重启, 使配置的规则目录在每个守护进程中生效(下游优先); 在册条目随后在后台按新措施调整。"
	  "--json: 一个对象, 按名称列出各守护进程的答复。",
	  NOOPTS },
	{ "parties check", G_OPERATOR, "parties check [FILE]", "validate a parties registry", "校验参与方登记",
	  "Validate a parties registry (default: the configured one) against the configured catalogue.",
	  "对照配置的目录校验参与方登记(默认为配置中的文件)。", NOOPTS },
	{ "parties reload", G_OPERATOR, "parties reload", "put the configured parties file in force in every daemon",
	  "使配置的参与方登记在每个守护进程中生效",
	  "Put the configured parties file in force in every daemon without a restart (a new agency, a new domain, a "
	  "rotated key); each says what changed. --json: one object, each daemon's reply by name.",
	  "无需重启, 使配置的参与方登记在每个守护进程中生效(新增实施部门、新增领域、更换密钥); 各自说明变化。"
	  "--json: 一个对象, 按名称列出各守护进程的答复。",
	  NOOPTS },
	{ "config check", G_OPERATOR, "config check", "validate the configuration, parties and catalogue",
	  "校验配置、参与方登记和目录",
	  "Validate the configuration, the parties registry and the catalogue: \"configuration OK\", or exactly what "
	  "is wrong and where.",
	  "校验配置、参与方登记和目录: 输出 \"配置正确\", 或准确指出错误及其位置。", NOOPTS },
	{ "backup", G_OPERATOR, "backup DIR", "a consistent copy of the four daemons' data while they serve",
	  "在服务期间对四个守护进程的数据做一致性备份",
	  "A consistent copy of the four daemons' data (their LMDB environments, archives and the check journal) "
	  "while they serve, and of jrp-exchange's where the configuration has an exchange: section, with the "
	  "configuration, parties and catalogue and a manifest. DIR must not exist yet.",
	  "在服务期间对四个守护进程的数据(LMDB 环境、归档和核查日志)做一致性备份, 配置有 exchange: 段时连同 "
	  "jrp-exchange 的数据, 以及配置、参与方登记、目录和清单。DIR 必须尚不存在。",
	  NOOPTS },
	{ "restore", G_OPERATOR, "restore DIR", "(every daemon stopped) check a backup set and put it in place",
	  "(所有守护进程停止时)检查备份集并恢复",
	  "With every daemon stopped, check a backup set and put it in place; what was there is kept beside it.",
	  "在所有守护进程停止时, 检查备份集并将其恢复到位; 原有数据保留在旁。", NOOPTS },
	{ "clock set", G_OPERATOR, "clock set YYYY-MM-DD[THH:MM:SS+08:00]", "set the test clock of every daemon",
	  "设置每个守护进程的测试时钟",
	  "Set the test clock of every daemon, downstream first (tests and the demo; only with test_clock: true).",
	  "设置每个守护进程的测试时钟, 下游优先(仅用于测试和演示; 需 test_clock: true)。", NOOPTS },
	{ "call", G_OPERATOR, "call ingest|adjudicate|dispatch|feedback FILE", "send one raw request, print the reply",
	  "发送一个原始请求并打印答复",
	  "Send one raw request, written as a JSON or YAML map, to a daemon and print the raw reply as JSON.",
	  "向守护进程发送一个以 JSON 或 YAML 映射写成的原始请求, 并以 JSON 打印原始答复。", NOOPTS },
	{ "keys new", G_OPERATOR, "keys new NAME [--dir DIR]", "make a CURVE key pair", "生成 CURVE 密钥对",
	  "Make a CURVE key pair for a party or a daemon (tcp:// endpoints): NAME.key (the pair, mode 0600, never "
	  "overwritten) and NAME.pub, and print the pubkey line for parties.yaml.",
	  "为参与方或守护进程生成 CURVE 密钥对(用于 tcp:// 端点): NAME.key(密钥对, 权限 0600, 从不覆盖)和 "
	  "NAME.pub, 并打印应加入 parties.yaml 的 pubkey 行。",
	  OPTS({ "--dir DIR", "where to write them (default: keys_dir of the configuration)", "写入的目录(默认为配置中的 keys_dir)" }) },
	{ "tokens new", G_OPERATOR, "tokens new PARTY", "a bearer token for the HTTP gateway",
	  "为 HTTP 网关生成访问令牌",
	  "Make a bearer token for jrp-gateway: print the token once (give it to the party's system) and the line "
	  "for the party's entry in parties.yaml, which keeps only its SHA-256; the gateway reads the file again when "
	  "it changes.",
	  "为 jrp-gateway 生成访问令牌: 令牌只打印一次(交给该参与方的系统), 并打印应加入 parties.yaml 该参与方条目的一行; "
	  "文件只保存其 SHA-256, 网关在文件变化时重新读取。", NOOPTS },
	/* ---- help ---- */
	{ "help", G_GENERAL, "help [COMMAND]", "this list, or one command's help", "本列表, 或某个命令的帮助",
	  "Without a command, the list of every command; with one, its usage, description and options (the same as "
	  "jrpctl COMMAND --help).",
	  "不带命令时列出全部命令; 带命令时打印其用法、说明和选项(与 jrpctl COMMAND --help 相同)。", NOOPTS },
};

#define NCMDS (sizeof cmds / sizeof cmds[0])

/* nobreak - a break may not come before these (Chinese punctuation closes what precedes it) */
static bool nobreak(const char *p)
{
	static const char *const closers[] = { "。", "、", "，", "；", "：", "）", "」" };
	for (size_t i = 0; i < sizeof closers / sizeof closers[0]; i++)
		if (strncmp(p, closers[i], strlen(closers[i])) == 0)
			return true;
	return *p == ')' || *p == ',' || *p == '.' || *p == ';' || *p == ':';
}

/* cols - the columns a text takes on a terminal (a CJK character is two wide) */
static int cols(const char *s)
{
	int n = 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x80 || (unsigned char)*s >= 0xc0)
			n += (unsigned char)*s < 0x80 ? 1 : 2;
	return n;
}

/* wrap - a text in lines of at most width columns, the first starting at column first, the others
 * indented; English breaks at spaces, Chinese between characters */
static void wrap(FILE *f, const char *s, int indent, int first, int width)
{
	int col = first;
	while (*s) {
		const char *end = s, *brk = NULL;
		int w = col;
		bool prev_wide = false;
		while (*end && *end != '\n') {
			unsigned char ch = (unsigned char)*end;
			int len = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2, cw = ch < 0x80 ? 1 : 2;
			bool can = end > s && (ch == ' ' || ch >= 0x80 || prev_wide) && !nobreak(end);
			if (can)
				brk = end;
			if (w + cw > width && end > s)
				break;
			prev_wide = ch >= 0x80;
			end += len;
			w += cw;
		}
		if (*end && *end != '\n' && brk)
			end = brk;
		fprintf(f, "%.*s\n", (int)(end - s), s);
		s = end;
		while (*s == ' ' || *s == '\n')
			s++;
		if (*s)
			fprintf(f, "%*s", indent, "");
		col = indent;
	}
}

static const char *summary(const ctl_cmd *c) { return i18n_pick(c->summary_en, c->summary_zh); }

/* ctl_usage - the list of every command, grouped; to stdout for --help, to stderr after a usage error */
void ctl_usage(FILE *f)
{
	fprintf(f, "%s", tr("usage: jrpctl [-c CONFIG] [--as PARTY] [--key FILE] [--json] [--timeout MS] COMMAND [ARGS]\n"
			    "       jrpctl COMMAND --help | jrpctl help COMMAND | jrpctl --version\n"));
	for (int g = 0; g < G__N; g++) {
		fprintf(f, "\n%s:\n", i18n_pick(group_en[g], group_zh[g]));
		for (size_t i = 0; i < NCMDS; i++) {
			const char *s = cmds[i].synopsis, *nl;
			if (cmds[i].group != g)
				continue;
			nl = strchr(s, '\n');
			if (!nl && strlen(s) <= 30) {
				fprintf(f, "  %-30s ", s);
			} else {
				/* the forms one a line (submit's flags: the first line only, the rest in its --help) */
				for (; s; s = nl ? nl + 1 : NULL) {
					nl = strchr(s, '\n');
					if (*s == ' ')
						continue;
					fprintf(f, "  %.*s\n", nl ? (int)(nl - s) : (int)strlen(s), s);
				}
				fprintf(f, "  %30s ", "");
			}
			wrap(f, summary(&cmds[i]), 33, 33, 100);
		}
	}
	fprintf(f, "\n");
	fprintf(f, tr("CONFIG defaults to $JRP_CONFIG, else %s; PARTY to $JRP_PARTY, or to the party of the key.\n"),
		JRP_CONFIG_DEFAULT);
	fprintf(f, "%s", tr("FILE of --key (default $JRP_KEY) is a key pair made by `jrpctl keys new`; tcp:// endpoints need it.\n"
			    "--json prints what the daemons answer as JSON, never translated; other output is in Chinese when\n"
			    "LC_ALL, LC_MESSAGES or LANG starts with zh. Exit status: 0 done, 1 refused or failed, 2 usage.\n"));
}

/* matches - the commands that words name: "rules check" itself, or for "rules" every "rules ..." */
static bool matches(const ctl_cmd *c, const char *words)
{
	size_t n = strlen(words);
	return strcmp(c->name, words) == 0 || (strncmp(c->name, words, n) == 0 && c->name[n] == ' ');
}

static void help_one(const ctl_cmd *c)
{
	const char *s = c->synopsis, *nl, *label = tr("usage: ");
	for (bool first = true; s; s = nl ? nl + 1 : NULL, first = false) {
		nl = strchr(s, '\n');
		if (first)
			printf("%s", label);
		else
			printf("%*s", cols(label), "");
		printf("%s%.*s\n", *s == ' ' ? "" : "jrpctl ", nl ? (int)(nl - s) : (int)strlen(s), s);
	}
	printf("\n");
	wrap(stdout, i18n_pick(c->desc_en, c->desc_zh), 0, 0, 80);
	if (c->opts[0].opt) {
		printf("\n%s\n", tr("options:"));
		for (const ctl_opt *o = c->opts; o->opt; o++) {
			if (strlen(o->opt) <= 26) {
				printf("  %-26s ", o->opt);
			} else {
				printf("  %s\n  %26s ", o->opt, "");
			}
			wrap(stdout, i18n_pick(o->en, o->zh), 29, 29, 100);
		}
	}
	printf("%s", tr("\nglobal options (jrpctl --help): -c CONFIG, --as PARTY, --key FILE, --json, --timeout MS\n"));
}

static void help_json(mw *w, const ctl_cmd *c)
{
	const char *s = c->synopsis, *nl;
	mw_map(w);
	mw_kstr(w, "command", c->name);
	mw_kstr(w, "group", group_en[c->group]);
	mw_str(w, "synopsis");
	mw_arr(w);
	for (; s; s = nl ? nl + 1 : NULL) {
		nl = strchr(s, '\n');
		mw_strn(w, s, nl ? (size_t)(nl - s) : strlen(s));
	}
	mw_end(w);
	mw_kstr(w, "summary", c->summary_en);
	mw_kstr(w, "summary_zh", c->summary_zh);
	mw_kstr(w, "description", c->desc_en);
	mw_kstr(w, "description_zh", c->desc_zh);
	mw_str(w, "options");
	mw_arr(w);
	for (const ctl_opt *o = c->opts; o->opt; o++) {
		mw_map(w);
		mw_kstr(w, "option", o->opt);
		mw_kstr(w, "description", o->en);
		mw_kstr(w, "description_zh", o->zh);
		mw_end(w);
	}
	mw_end(w);
	mw_end(w);
}

/* ctl_help - help for the command named by words[0..n) (none: the list); 0, or 2 if no command has that name */
int ctl_help(ctl *c, int n, char **words)
{
	char name[128] = "";
	size_t found = 0;
	mw w;
	for (int i = 0; i < n && i < 2; i++)
		snprintf(name + strlen(name), sizeof name - strlen(name), "%s%s", i ? " " : "", words[i]);
	/* "rules check --help": the words before the first option; "rules diff DIR --help": the command's name */
	for (size_t i = 0; i < NCMDS; i++)
		found += matches(&cmds[i], name);
	if (!found && strchr(name, ' ')) {
		*strchr(name, ' ') = 0;
		for (size_t i = 0; i < NCMDS; i++)
			found += matches(&cmds[i], name);
	}
	if (n > 0 && !found) {
		fprintf(stderr, tr("jrpctl: unknown command \"%s\"\n"), words[0]);
		ctl_usage(stderr);
		return 2;
	}
	if (c->json) {
		mw_init(&w);
		if (n == 0 || found > 1) {
			mw_map(&w);
			mw_kstr(&w, "usage", "jrpctl [-c CONFIG] [--as PARTY] [--key FILE] [--json] [--timeout MS] COMMAND [ARGS]");
			mw_str(&w, "commands");
			mw_arr(&w);
		}
		for (size_t i = 0; i < NCMDS; i++)
			if (n == 0 || matches(&cmds[i], name))
				help_json(&w, &cmds[i]);
		if (n == 0 || found > 1) {
			mw_end(&w);
			mw_end(&w);
		}
		ctl_print_mw(&w);
		mw_free(&w);
		return 0;
	}
	if (n == 0) {
		ctl_usage(stdout);
		return 0;
	}
	for (size_t i = 0, k = 0; i < NCMDS; i++)
		if (matches(&cmds[i], name)) {
			if (k++)
				printf("\n");
			help_one(&cmds[i]);
		}
	return 0;
}

/* ctl_usage_of - after a usage error: the synopsis of the commands named cmd, on stderr; 2, or -1 if none is */
int ctl_usage_of(const char *cmd)
{
	int k = 0;
	for (size_t i = 0; i < NCMDS; i++) {
		const char *s = cmds[i].synopsis, *nl;
		if (!matches(&cmds[i], cmd))
			continue;
		for (; s; s = nl ? nl + 1 : NULL) {
			nl = strchr(s, '\n');
			fprintf(stderr, "%s%s%.*s\n", k++ ? "       " : tr("usage: "), *s == ' ' ? "" : "jrpctl ",
				nl ? (int)(nl - s) : (int)strlen(s), s);
		}
	}
	return k ? 2 : -1;
}

/* ctl_wants_help - the command's arguments ask for its help (--help or -h anywhere among them) */
bool ctl_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}
