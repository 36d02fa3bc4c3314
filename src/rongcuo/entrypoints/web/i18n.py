"""The workplace's words (Chinese first, English second) and how dates are written for people
(2025年10月9日 / 9 Oct 2025).  Labels of states, steps, fields and timers come from the
definition; deadline status words from :mod:`rongcuo.service.labels`; only the page chrome
is here."""

from __future__ import annotations

from datetime import date, datetime

from rongcuo.domain.legal_time import CST

WORDS: dict[str, tuple[str, str]] = {
    "app": ("容错纠错工作台", "Fault-tolerance workplace"),
    "dashboard": ("工作台", "My work"),
    "cases": ("案件列表", "Cases"),
    "open": ("开案", "Open a case"),
    "calendar": ("日历", "Calendar"),
    "audit": ("审计", "Audit"),
    "admin": ("管理", "Admin"),
    "login": ("登录", "Sign in"),
    "logout": ("退出", "Sign out"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "bad_login": ("用户名或密码不正确", "wrong user name or password"),
    "expired": ("登录已过期", "Your session has expired"),
    "expired_text": ("为保护案件信息，长时间未操作的登录会自动失效。请重新登录。",
                     "To protect case data, an idle session ends by itself. Please sign in "
                     "again."),
    "login_again": ("重新登录", "Sign in again"),
    "forbidden_csrf": ("表单已失效（安全校验未通过），请刷新页面后重试。",
                       "The form has expired (security check failed); reload the page and "
                       "try again."),
    "due_soon": ("即将到期", "Due soon"),
    "overdue": ("已逾期", "Overdue"),
    "paused": ("暂停计时", "Clocks stopped"),
    "approvals": ("待我审批", "Waiting for my approval"),
    "most_pressing": ("共 {total} 件案件需要办理，这里列出最紧急的 {shown} 件：",
                      "{total} cases need someone; the {shown} most pressing are listed:"),
    "nothing": ("（无）", "(none)"),
    "case_number": ("案件编号", "Case number"),
    "subject": ("容错纠错对象", "Subject"),
    "agency": ("执法机关", "Agency"),
    "procedure": ("办法", "Procedure"),
    "state": ("状态", "State"),
    "opened_on": ("启动日期", "Opened"),
    "next_due": ("最近到期", "Next due"),
    "deadline": ("期限", "Deadline"),
    "time_left": ("剩余 / 逾期", "Time left"),
    "case_state": ("案件状态", "Case state"),
    "deadlines": ("期限", "Deadlines"),
    "due": ("到期日", "Due"),
    "status": ("状态", "Status"),
    "explain": ("计算说明", "How it was counted"),
    "timeline": ("办理过程", "Timeline"),
    "business_date": ("办理日期", "Business date"),
    "recorded_at": ("记录时间", "Recorded at"),
    "actor": ("办理人", "By"),
    "article": ("依据", "Basis"),
    "step": ("步骤", "Step"),
    "allowed": ("当前可以进行的操作", "Allowed now"),
    "no_steps": ("本案已结案，无可进行的操作", "The case is closed: no steps are allowed"),
    "record": ("记录", "Record"),
    "cancel": ("取消", "Cancel"),
    "on": ("发生日期", "Date it happened"),
    "required": ("必填", "required"),
    "refused": ("未记录：", "Not recorded: "),
    "allowed_now": ("现在可以：", "Allowed now: "),
    "nothing_written": ("本次未写入任何内容。", "Nothing was written."),
    "diagram": ("流程图", "Diagram"),
    "export_xlsx": ("导出 Excel", "Export to Excel"),
    "filter": ("筛选", "Filter"),
    "all": ("全部", "all"),
    "search": ("搜索（编号、对象、机关）", "Search (number, subject, agency)"),
    "due_before": ("到期早于", "Due before"),
    "overdue_as_of": ("截至该日逾期", "Overdue as of"),
    "sort": ("排序", "Sort"),
    "desc": ("倒序", "descending"),
    "page": ("第 {page} / {pages} 页，共 {total} 件", "page {page} of {pages}, {total} cases"),
    "prev": ("上一页", "Previous"),
    "next": ("下一页", "Next"),
    "no_cases": ("没有符合条件的案件", "No matching cases"),
    "progress": ("办理进度", "Progress"),
    "working_left": ("剩余 {n} 个工作日", "{n} working days left"),
    "calendar_left": ("剩余 {n} 个自然日", "{n} calendar days left"),
    "due_today": ("今日到期（24时止）", "due today (ends 24:00)"),
    "working_late": ("已逾期 {n} 个工作日", "overdue by {n} working days"),
    "calendar_late": ("已逾期 {n} 天", "overdue by {n} days"),
    "paused_since": ("自 {since} 起暂停计时", "clock stopped since {since}"),
    "may_extend": ("可批准延长：{timer}", "extension may be approved: {timer}"),
    "open_with": ("选择办法（{on}有效的）", "Choose a procedure (in force on {on})"),
    "opened": ("已立卷：{number}", "Opened: {number}"),
    "recorded": ("已记录：{step}", "Recorded: {step}"),
    "reporters": ("举报人身份", "Reporters' identities"),
    "reporters_note": ("举报人身份加密保存；每次查看都记入案卷（查看人、时间、理由）。",
                       "Kept encrypted; every reading is recorded on the case (who, when, "
                       "why)."),
    "report": ("举报编号", "Report"),
    "reveal": ("查看", "Reveal"),
    "reveal_reason": ("查看理由", "Reason for reading"),
    "reporter_of": ("举报 {report} 的举报人", "The reporter of report {report}"),
    "reveal_recorded": ("本次查看已记入案卷。请勿复制或转告。",
                        "This reading is recorded on the case. Do not copy or pass it on."),
    "back_to_case": ("返回案件", "Back to the case"),
    "corrections": ("更正记录", "Correct the record"),
    "corrections_note": ("更正、撤销须由本案所属机构的负责人批准并记录，"
                         "且不得是原记录人（四眼原则）。",
                         "An amendment or a voiding is approved and recorded by a head of the "
                         "case's unit who did not make the entry (four eyes)."),
    "amend_date": ("更正日期", "Amend the date"),
    "void": ("撤销", "Void"),
    "withdraw": ("误录撤回", "Withdraw (opened by mistake)"),
    "reason": ("理由", "Reason"),
    "new_date": ("实际日期", "The real date"),
    "rest_day": ("休息日", "rest day"),
    "adjusted": ("调休上班", "adjusted working day"),
    "holiday": ("节假日", "holiday"),
    "notice": ("依据的放假通知", "Holiday notice"),
    "import_year": ("导入年度日历", "Import a year's calendar"),
    "calendar_file": ("日历文件（YAML，依据国务院办公厅放假通知）",
                      "Calendar file (YAML, from the State Council's notice)"),
    "imported": ("已导入 {year} 年日历；重新计算的暂定期限：{n} 个",
                 "Imported the {year} calendar; provisional deadlines recomputed: {n}"),
    "no_year": ("该年度放假安排尚未导入", "That year's holiday notice is not loaded"),
    "verify": ("校验案卷记录", "Verify the record"),
    "verify_ok": ("校验通过：{cases} 件案件、{events} 条记录，哈希链完整",
                  "Sound: {cases} cases, {events} events, hash chain intact"),
    "verify_bad": ("发现问题：{n} 件案件的记录不一致", "Problems found in {n} cases"),
    "running_job": ("正在校验……", "Verifying…"),
    "replay": ("回放案件（某一时刻的状态）", "Replay a case as of an instant"),
    "as_of": ("截至时刻（北京时间）", "As of (CST)"),
    "export_file": ("导出案卷", "Export the case file"),
    "case_ref": ("案件编号或 id", "Case number or id"),
    "as_of_state": ("截至 {at}：状态 {state}，已记录 {n} 步",
                    "As of {at}: state {state}, {n} steps recorded"),
    "not_found": ("找不到该案件", "No such case"),
    "not_found_text": ("该案件不存在，或不属于您所在的机构。",
                       "The case does not exist, or it is not one of your unit's."),
    "home": ("返回工作台", "Back to my work"),
    "lang_switch": ("English", "中文"),
    "current": ("当前", "current"),
    "done": ("已完成", "done"),
    "provisional": ("暂定（该年度放假安排尚未发布）",
                    "provisional (that year's holiday notice is not loaded)"),
    "ends": ("当日24时止", "ends 24:00 CST"),
    "yes": ("是", "yes"),
    "transitions": ("状态转换", "Transitions"),
    "from": ("从", "from"),
    "to": ("到", "to"),
    "view_report": ("查看举报人信息", "View the reporter's identity"),
    "signed_in_as": ("当前用户：{name}（{unit}）", "Signed in: {name} ({unit})"),
    "weekdays": ("一二三四五六日", "MTWTFSS"),
    "month": ("{m}月", "{m}"),
}


def t(key: str, lang: str, **kw: object) -> str:
    zh, en = WORDS.get(key, (key, key))
    text = zh if lang == "zh" else en
    return text.format(**kw) if kw else text


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def fmt_date(d: date | str | None, lang: str = "zh") -> str:
    """2025年10月9日 / 9 Oct 2025 (an ISO string is read first; None → —)."""
    if d is None or d == "":
        return "—"
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    if isinstance(d, datetime):
        d = d.date()
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def fmt_instant(at: datetime | str | None, lang: str = "zh") -> str:
    """An instant in CST, to the minute: 2025年10月9日 10:00."""
    if at is None or at == "":
        return "—"
    if isinstance(at, str):
        at = datetime.fromisoformat(at)
    local = at.astimezone(CST)
    return f"{fmt_date(local.date(), lang)} {local:%H:%M}"
