#!/usr/bin/python3
"""tests/gateway/test_gateway.py JRPCTL SOURCE_ROOT - jrp-gateway with an ordinary HTTP client (urllib)
against the real daemons (jrpctl up, ipc://, a temporary data dir), every answer checked against
docs/openapi.yaml (JSON Schema 2020-12, OpenAPI 3.1). Prints TAP.

The case is the README's: a tax bureau's penalty for major tax evasion, final, the company notified,
black-listed [DOMAIN.md "Black list" 001 §(二)2, 令第54号 第六条(一)]; the procurement centre reads its
task stream, checks the company before a procurement (逢办必查, DOMAIN.md "Checks" [001 §(四)1]) and
feeds back [001 §(五)7]; the office reads statistics and the overdue list [001 §(五)6]; the public reads
the masked publication [001 §(一)4]. Then what only the gateway does: tokens, statuses, batches, uploads,
long-polls, metrics, readiness with a daemon down, token rotation, HTTPS.
"""
import hashlib, json, os, re, secrets, shutil, signal, ssl, subprocess, sys, tempfile, time
import urllib.request, urllib.error
import yaml
from jsonschema import Draft202012Validator
from jsonschema.validators import RefResolver

JRPCTL, ROOT = sys.argv[1], sys.argv[2]
n = 0
failed = 0


def tap(ok, name, detail=""):
    global n, failed
    n += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, name))
    if not ok:
        failed += 1
        for line in str(detail).splitlines()[:30]:
            print("# " + line)
    sys.stdout.flush()
    return ok


spec = yaml.safe_load(open(os.path.join(ROOT, "docs/openapi.yaml"), encoding="utf-8"))
resolver = RefResolver.from_schema(spec)


def schema_for(path, method, status):
    """the response schema the document gives for this (path template, method, status)"""
    op = spec["paths"][path][method.lower()]
    resp = op["responses"].get(str(status)) or op["responses"].get("default")
    if resp is None:
        return None
    if "$ref" in resp:
        resp = resolver.resolve(resp["$ref"])[1]
    return resp["content"]["application/json"]["schema"] if "application/json" in resp.get("content", {}) else {}


def conforms(path, method, status, body):
    s = schema_for(path, method, status)
    if s is None:
        return "status %d is not documented for %s %s" % (status, method, path)
    errs = list(Draft202012Validator(s, resolver=resolver).iter_errors(body))
    return "; ".join("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in errs[:3])


tmp = tempfile.mkdtemp(prefix="jrp-gw-")
tokens = {p: "jrp_" + secrets.token_hex(32) for p in ["office", "tax_bureau", "procurement_centre", "bank_regulator"]}


certs = {}   # party -> "sha256:<fingerprint>" of its TLS client certificate


def write_parties(toks):
    text = open(os.path.join(ROOT, "deploy/parties.yaml"), encoding="utf-8").read()
    for p, t in toks.items():
        h = hashlib.sha256(t.encode()).hexdigest()
        text = re.sub(r"(\n  - id: %s\n)" % p, lambda m: m.group(1) + '    tokens: ["sha256:%s"]\n' % h, text, count=1)
    for p, fp in certs.items():
        text = re.sub(r"(\n  - id: %s\n)" % p, lambda m: m.group(1) + '    certs: ["%s"]\n' % fp, text, count=1)
    with open(os.path.join(tmp, "parties.yaml.new"), "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(os.path.join(tmp, "parties.yaml.new"), os.path.join(tmp, "parties.yaml"))


write_parties(tokens)
cfg = os.path.join(tmp, "jrp.yaml")
with open(cfg, "w") as f:
    f.write("data_dir: data\nrun_dir: run\nrules: %s/rules\nparties: parties.yaml\ntest_clock: true\n"
            "map_size_mb: 8\ngateway:\n  listen: 127.0.0.1:0\n" % ROOT)


def ctl(*args, check=True):
    r = subprocess.run([JRPCTL, "-c", cfg] + list(args), capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("jrpctl %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
    return r.stdout


def cleanup():
    subprocess.run([JRPCTL, "-c", cfg, "down"], capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


BASE = None


def call(method, path, body=None, token=None, party=None, headers=None, raw=None, template=None, timeout=40):
    """one HTTP request; returns (status, parsed JSON or text, headers); checks the answer against the document"""
    url = BASE + path
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    h = {"Content-Type": "application/json"} if data is not None else {}
    if party:
        token = tokens[party]
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text, hdrs = r.status, r.read().decode("utf-8"), r.headers
    except urllib.error.HTTPError as e:
        status, text, hdrs = e.code, e.read().decode("utf-8"), e.headers
    ctype = hdrs.get("Content-Type", "")
    out = json.loads(text) if ctype.startswith("application/json") else text
    if template and ctype.startswith("application/json"):
        bad = conforms(template, method, status, out)
        if bad:
            tap(False, "%s %s answers as docs/openapi.yaml says" % (method, template), bad + "\n" + text[:800])
    return status, out, hdrs


try:
    ctl("up")
    BASE = "http://127.0.0.1:%s" % open(os.path.join(tmp, "run/gateway.port")).read().strip()
    ctl("clock", "set", "2026-05-25T09:00:00+08:00")

    # ---- operations ----
    st, b, _ = call("GET", "/healthz", template="/healthz")
    tap(st == 200 and b["alive"] is True, "GET /healthz: alive")
    st, b, _ = call("GET", "/readyz", template="/readyz")
    tap(st == 200 and b["ready"] and len(b["daemons"]) == 4, "GET /readyz: the four daemons answer", b)
    st, b, _ = call("GET", "/openapi.yaml")
    tap(st == 200 and "openapi: 3.1.0" in b, "GET /openapi.yaml serves the document an integrator reads")

    # ---- who is asking ----
    st, b, h = call("GET", "/v1/stats", template="/v1/stats")
    tap(st == 401 and b["error"]["code"] == "unauthorized" and h.get("WWW-Authenticate", "").startswith("Bearer"),
        "no token: 401 unauthorized with WWW-Authenticate: Bearer", b)
    st, b, _ = call("GET", "/v1/stats", token="jrp_" + "0" * 64, template="/v1/stats")
    tap(st == 401 and b["error"]["field"] == "Authorization", "an unknown token: 401, field Authorization", b)
    st, b, _ = call("GET", "/v1/stats", party="procurement_centre", template="/v1/stats")
    tap(st == 403 and b["error"]["code"] == "forbidden", "an agency may not read the office's statistics: the "
        "daemon's own 403 forbidden (the gateway decides nothing)", b)

    # ---- a department submits records [DOMAIN.md Credit records] ----
    CODE = "91350100M000100Y43"
    rec = {"record_id": "TAX-2026-0001", "kind": "penalty", "domain": "tax",
           "subject": {"type": "org", "code": CODE, "name": "示范科技有限公司"}, "decision_date": "2026-05-20",
           "decision_no": "示税稽罚〔2026〕88号", "violation": "tax_evasion", "amount": 3500000,
           "base_amount": 20000000, "facts": "虚假申报，少缴税款", "basis": "《中华人民共和国税收征收管理法》第六十三条"}
    st, b, _ = call("POST", "/v1/records/check", {"record": rec}, party="tax_bureau", template="/v1/records/check")
    tap(st == 200 and b["duplicate"] is False and "seq" not in b, "POST /v1/records/check: it would be accepted", b)
    st, b, _ = call("GET", "/v1/subjects/%s/records" % rec["subject"]["code"], party="tax_bureau",
                    template="/v1/subjects/{subject}/records")
    tap(st == 200 and b["records"] == [], "the dry run stored nothing", b)
    st, b, _ = call("POST", "/v1/records", {"record": rec}, party="tax_bureau", template="/v1/records")
    tap(st == 200 and b["seq"] >= 1 and b["duplicate"] is False, "POST /v1/records: committed, its seq", b)
    seq = b.get("seq")
    st, b, _ = call("POST", "/v1/records/check", {"record": rec}, party="tax_bureau", template="/v1/records/check")
    tap(st == 200 and b["duplicate"] is True and b["seq"] == seq, "record.check after the submission: a duplicate, its seq", b)
    st, b, _ = call("POST", "/v1/records/check", {"record": dict(rec, amount=1)}, party="tax_bureau",
                    template="/v1/records/check")
    tap(st == 409 and b["error"]["code"] == "conflict" and b["error"]["field"] == "record.record_id",
        "record.check of another record under the same id: the conflict a submission would get", b)
    st, b, _ = call("POST", "/v1/records", {"record": rec}, party="tax_bureau", template="/v1/records")
    tap(st == 200 and b["duplicate"] is True and b["seq"] == seq, "the same record again: duplicate, the first seq", b)
    bad = dict(rec, record_id="TAX-2026-0002", subject=dict(rec["subject"], code="91350100M000100Y44"))
    st, b, _ = call("POST", "/v1/records", {"record": bad}, party="tax_bureau", template="/v1/records")
    tap(st == 422 and b["error"]["code"] == "bad_code" and b["error"]["field"] == "record.subject.code",
        "a code failing its check character: 422 bad_code on record.subject.code, as the protocol says", b)
    st, b, _ = call("POST", "/v1/records", {"record": dict(rec, record_id="X-3", colour="red")}, party="tax_bureau",
                    template="/v1/records")
    tap(st == 400 and b["error"]["code"] == "unknown_field" and b["error"]["field"] == "record.colour",
        "an unknown field: 400 unknown_field record.colour", b)
    st, b, _ = call("POST", "/v1/records", raw=b"{\"record\": ", party="tax_bureau", template="/v1/records")
    tap(st == 400 and b["error"]["code"] == "bad_message", "a body that is not JSON: 400 bad_message", b)
    st, b, _ = call("POST", "/v1/records", {"record": rec, "party": "court"}, party="tax_bureau", template="/v1/records")
    tap(st == 400 and b["error"]["field"] == "party", "the body may not name another party: the token says who", b)
    st, b, _ = call("POST", "/v1/records", {"record": dict(rec, record_id="X-4", domain="courts")}, party="tax_bureau",
                    template="/v1/records")
    tap(st == 403 and b["error"]["code"] == "forbidden", "a domain not the department's: 403 forbidden", b)
    st, b, _ = call("POST", "/v1/records", {"record": rec}, party="procurement_centre", template="/v1/records")
    tap(st == 403, "an agency may not submit records: 403", b)
    st, b, _ = call("GET", "/v1/records", party="tax_bureau")
    tap(st == 405 and b["error"]["code"] == "method_not_allowed", "GET on a POST path: 405", b)
    st, b, _ = call("GET", "/v1/nothing", party="tax_bureau")
    tap(st == 404 and b["error"]["code"] == "not_found", "an unknown path: 404", b)
    st, b, _ = call("POST", "/v1/records", raw=b"a,b\n", party="tax_bureau", headers={"Content-Type": "text/plain"},
                    template="/v1/records")
    tap(st == 415 and b["error"]["field"] == "Content-Type", "an unknown media type: 415 on Content-Type", b)

    # ---- NDJSON upload: one record a line, each on its own ----
    lines = []
    for i in range(20):
        r = {"record_id": "BULK-%02d" % i, "kind": "penalty", "domain": "tax",
             "subject": {"type": "org", "code": CODE, "name": "示范科技有限公司"}, "decision_date": "2026-05-20",
             "violation": "minor", "amount": i}
        lines.append(json.dumps(r, ensure_ascii=False))
    lines[6] = lines[6].replace('"amount": 6', '"amount": "six"')
    lines.insert(10, "")
    lines[15] = "{not json"
    body = ("\n".join(lines) + "\n").encode()
    st, b, _ = call("POST", "/v1/records", raw=body, party="tax_bureau", headers={"Content-Type": "application/x-ndjson"},
                    template="/v1/records")
    errs = {(e["line"], e["code"], e["field"]) for e in b.get("refusals", [])}
    tap(st == 200 and b["lines"] == 20 and b["accepted"] == 18 and b["refused"] == 2 and
        (7, "wrong_type", "record.amount") in errs and any(e[0] == 16 and e[1] == "bad_message" for e in errs),
        "NDJSON upload: 18 committed, line 7 wrong_type record.amount and line 16 bad_message named", b)
    st, b, _ = call("POST", "/v1/records", raw=body, party="tax_bureau", headers={"Content-Type": "application/x-ndjson"},
                    template="/v1/records")
    tap(st == 200 and b["duplicates"] == 18 and b["accepted"] == 0, "the same upload again: 18 duplicates", b)

    # ---- a clerk's spreadsheet (双公示 layout, Chinese headers) as an HTTP upload [001 §(一)4] ----
    tpl = open(os.path.join(ROOT, "rules/csv/penalty-template.csv"), encoding="utf-8-sig").read().splitlines()
    header, example = tpl[0], tpl[1]
    good = example.replace("示税稽罚〔2026〕1号", "示税稽罚〔2026〕HTTP-1").replace("示例行：请删除后填写", "")
    bad = example.replace("示税稽罚〔2026〕1号", "示税稽罚〔2026〕HTTP-2").replace("91350100M000100Y43", "91350100M000100Y44") \
        .replace("示例行：请删除后填写", "")
    body = ("\r\n".join([header, good, bad]) + "\r\n")
    st, b, _ = call("POST", "/v1/records?mapping=penalty", raw=body.encode("utf-8"), party="tax_bureau",
                    headers={"Content-Type": "text/csv"}, template="/v1/records")
    r3 = next((e for e in b.get("refusals", []) if e["line"] == 3), {})
    tap(st == 200 and b["lines"] == 2 and b["accepted"] == 1 and b["refused"] == 1 and b["encoding"] == "UTF-8" and
        b["mapping"] == "penalty.yaml" and r3.get("code") == "bad_code" and "统一社会信用代码" in r3.get("message", ""),
        "text/csv upload: row 2 committed, row 3 refused with a Chinese reason naming 统一社会信用代码", b)
    st, b, _ = call("POST", "/v1/records", raw=body.encode("gb18030"), party="tax_bureau",
                    headers={"Content-Type": "text/csv"}, template="/v1/records")
    tap(st == 200 and b["encoding"] == "GB18030" and b["duplicates"] == 1 and b["refused"] == 1,
        "the same spreadsheet in GB18030, no mapping named: detected, the one mapping that fits, row 2 a duplicate", b)
    st, text, h = call("POST", "/v1/records?format=csv", raw=body.encode("utf-8"), party="tax_bureau",
                       headers={"Content-Type": "text/csv"})
    rows = text.lstrip("\ufeff").splitlines() if isinstance(text, str) else []
    tap(st == 200 and h.get("Content-Type", "").startswith("text/csv") and rows and rows[0].endswith("行号,原因") and
        len(rows) == 2 and ",3," in rows[1] and "91350100M000100Y44" in rows[1],
        "?format=csv answers the refused rows as the clerk's own spreadsheet with 行号 and 原因", text)
    st, b, _ = call("POST", "/v1/records?mapping=nothing", raw=body.encode("utf-8"), party="tax_bureau",
                    headers={"Content-Type": "text/csv"}, template="/v1/records")
    tap(st == 404 and b["error"]["field"] == "mapping", "an unknown mapping: 404 on mapping", b)
    st, b, _ = call("POST", "/v1/records?mapping=penalty", raw="名称,日期\r\n甲,2026-01-01\r\n".encode(), party="tax_bureau",
                    headers={"Content-Type": "text/csv"}, template="/v1/records")
    tap(st == 422 and b["error"]["field"] == "csv" and "行政相对人名称" in b["error"]["message"],
        "a spreadsheet without a required column: 422, naming the column, nothing stored", b)

    # ---- the life of the entry: final, notified, effective [DOMAIN.md Life of an entry 1-4] ----
    ctl("clock", "set", "2026-11-23T09:00:00+08:00")
    fin = {"record_id": "TAX-2026-0001-F", "kind": "finality", "domain": "tax", "subject": rec["subject"],
           "decision_date": "2026-11-21", "refers_to": "TAX-2026-0001", "final": True}
    st, b, _ = call("POST", "/v1/records", {"record": fin}, party="tax_bureau", template="/v1/records")
    tap(st == 200, "the finality record", b)
    ctl("sync")
    st, b, _ = call("GET", "/v1/subjects/%s/entries" % CODE, party="tax_bureau", template="/v1/subjects/{subject}/entries")
    entry = next((e["id"] for e in b.get("entries", []) if e["list"] == "black"), None)
    tap(st == 200 and entry, "GET /v1/subjects/{code}/entries: the proposed black-list entry", b)
    st, b, _ = call("GET", "/v1/tasks?wait_ms=100", party="tax_bureau", template="/v1/tasks")
    tap(st == 200 and any(t["action"] == "notice" and t["class"] == "duty" for t in b["tasks"]),
        "the department's stream holds its notice duty", b)
    st, b, _ = call("POST", "/v1/entries/%s/notice" % entry, {"notice_date": "2026-11-23"}, party="procurement_centre",
                    template="/v1/entries/{entry}/notice")
    tap(st == 403, "an agency may not report the notice: 403", b)
    st, b, _ = call("POST", "/v1/entries/%s/notice" % entry, {"notice_date": "2026-11-23"}, party="tax_bureau",
                    template="/v1/entries/{entry}/notice")
    tap(st == 200 and b["entry"] == entry and "objection_end" in b, "POST /v1/entries/{id}/notice", b)
    st, b, _ = call("POST", "/v1/entries/abc/notice", {"notice_date": "2026-11-23"}, party="tax_bureau",
                    template="/v1/entries/{entry}/notice")
    tap(st == 400 and b["error"]["field"] == "entry", "a path parameter of the wrong type: 400 on entry", b)
    ctl("clock", "set", "2026-12-01T09:00:00+08:00")
    ctl("sync")

    # ---- the agency: stream (long-poll), ack, check, batch check, feedback ----
    st, b, _ = call("GET", "/v1/tasks?wait_ms=2000", party="procurement_centre", template="/v1/tasks")
    apply = [t for t in b.get("tasks", []) if t["action"] == "apply" and t["entry"] == entry]
    tap(st == 200 and apply and apply[0]["class"] == "mandatory", "GET /v1/tasks: the centre's apply task", b)
    task, cursor, stream = apply[0]["task"], b["cursor"], b["stream"]
    st, b, _ = call("POST", "/v1/tasks/ack", {"upto": cursor}, party="procurement_centre", template="/v1/tasks/ack")
    tap(st == 200 and b["acked"] == cursor, "POST /v1/tasks/ack", b)
    t0 = time.time()
    st, b, _ = call("GET", "/v1/tasks?wait_ms=1500", party="procurement_centre", template="/v1/tasks")
    waited = time.time() - t0
    tap(st == 200 and b["tasks"] == [] and waited >= 1.3, "a long-poll with nothing new waits wait_ms (%.2f s) and "
        "answers an empty page; the loop serves others meanwhile" % waited, b)
    st, b, _ = call("GET", "/v1/tasks?wait_ms=abc", party="procurement_centre", template="/v1/tasks")
    tap(st == 400 and b["error"]["code"] == "wrong_type" and b["error"]["field"] == "wait_ms", "a query parameter of the "
        "wrong type: 400 wrong_type on wait_ms", b)
    st, b, _ = call("GET", "/v1/tasks?colour=1", party="procurement_centre", template="/v1/tasks")
    tap(st == 400 and b["error"]["code"] == "unknown_field" and b["error"]["field"] == "colour",
        "an unknown query parameter: 400 unknown_field", b)
    st, b, _ = call("POST", "/v1/check", {"subject": CODE, "matter": "public_procurement"}, party="procurement_centre",
                    template="/v1/check")
    ok = st == 200 and b["listed"] and b["entries"][0]["list"] == "black" and \
        any(m["yours"] and m["class"] == "mandatory" for m in b["entries"][0]["measures"])
    tap(ok, "POST /v1/check: listed, black, the centre's own mandatory measure (逢办必查)", b)
    st, b, _ = call("POST", "/v1/check", {"subject": CODE, "matter": "public_procurement", "as_of_time": "2026-11-25"},
                    party="procurement_centre", template="/v1/check")
    tap(st == 200 and b["listed"] is False and b["catalog_version"] and "check_id" not in b,
        "POST /v1/check with as_of_time: as it was on 11-25 (not yet listed), the catalogue of then, not recorded", b)
    checks = [{"subject": CODE, "matter": "public_procurement"},
              {"subject": "91350100M000100Y44", "matter": "public_procurement"},
              {"subject": "11010519491231002X", "matter": "public_procurement"},
              {"subject": CODE, "matter": "no_such_matter"}]
    st, b, _ = call("POST", "/v1/checks", {"checks": checks}, party="procurement_centre", template="/v1/checks")
    r = b.get("results", [])
    tap(st == 200 and len(r) == 4 and r[0]["listed"] and r[1]["error"]["code"] == "bad_code" and
        r[2]["ok"] and not r[2]["listed"] and r[3]["error"]["code"] == "unknown_matter" and b["answered"] == 2,
        "POST /v1/checks: four checks in one request, each answered or refused on its own, in order", b)
    st, b, _ = call("POST", "/v1/checks", {"checks": []}, party="procurement_centre", template="/v1/checks")
    tap(st == 422 and b["error"]["field"] == "checks", "an empty batch: 422 on checks", b)
    st, b, _ = call("POST", "/v1/feedback", {"task": task, "result": "applied", "matter_id": "GP-2026-0777",
                                            "note": "取消其投标资格", "stream": stream}, party="procurement_centre",
                    template="/v1/feedback")
    tap(st == 200 and b["duplicate"] is False, "POST /v1/feedback: applied", b)
    st, b, _ = call("POST", "/v1/feedback", {"task": task, "result": "failed"}, party="procurement_centre",
                    template="/v1/feedback")
    tap(st == 409 and b["error"]["code"] == "conflict", "a different result for the same task: 409 conflict", b)
    ctl("sync")

    # ---- the subject's whole record, publication, the office's views ----
    st, b, _ = call("GET", "/v1/subjects/%s" % CODE, party="tax_bureau", template="/v1/subjects/{subject}")
    tap(st == 200 and len(b["records"]) >= 2 and any(e["id"] == entry and e["state"] == "effective" for e in b["entries"])
        and any(t["task"]["task"] == task and t["state"] == "applied" for t in b["tasks"]),
        "GET /v1/subjects/{code}: records, the effective entry, the applied task in one answer", b)
    st, b, _ = call("GET", "/v1/subjects/%s?as_of_time=2026-11-30" % CODE, party="tax_bureau", template="/v1/subjects/{subject}")
    tap(st == 200 and b.get("as_of_time") and b["tasks"] and all(t["state"] in ("pending", "done") for t in b["tasks"]) and
        len(b["records"]) >= 20 and
        all(r["at"] <= b["as_of_time"] for r in b["records"]) and
        [e["state"] for e in b["entries"]] == ["proposed"] and
        all(h["event"] != "effective" for h in b["entries"][0]["history"]),
        "GET /v1/subjects/{code}?as_of_time=2026-11-30: the records by then, the entry as it was (proposed), its history up to then, the notice duty as it was", b)
    st, b, _ = call("GET", "/v1/subjects/%s/entries?as_of_time=1796000000000" % CODE, party="tax_bureau",
                    template="/v1/subjects/{subject}/entries")
    tap(st == 200 and b.get("as_of_time") == 1796000000000, "as_of_time in milliseconds on the query", b)
    st, b, _ = call("GET", "/v1/subjects/91350100M000100Y44", party="tax_bureau", template="/v1/subjects/{subject}")
    tap(st == 422 and b["error"]["code"] == "bad_code" and b["error"]["field"] == "subject",
        "a code failing its check character: 422 bad_code, never an empty record (DOMAIN.md Subjects and codes)", b)
    for part in ("records", "entries", "tasks"):
        st, b, _ = call("GET", "/v1/subjects/91350100M000100Y44/" + part, party="tax_bureau",
                        template="/v1/subjects/{subject}/" + part)
        tap(st == 422 and b["error"]["code"] == "bad_code", "GET /v1/subjects/{code}/%s refuses it too" % part, b)
    st, b, _ = call("GET", "/v1/subjects/H0123456789?id_type=hmt", party="tax_bureau", template="/v1/subjects/{subject}")
    tap(st == 200 and b["records"] == [] and b["entries"] == [] and b["tasks"] == [],
        "a Hong Kong travel permit number with id_type=hmt is checked as one (H and 10 digits): no record", b)
    st, b, _ = call("GET", "/v1/subjects/H0123456789", party="tax_bureau", template="/v1/subjects/{subject}")
    tap(st == 422 and b["error"]["code"] == "bad_code", "the same number without id_type: 422 bad_code", b)
    st, b, _ = call("GET", "/v1/entries/%s/history?max=2" % entry, party="office", template="/v1/entries/{entry}/history")
    tap(st == 200 and len(b["history"]) == 2 and b["history_total"] >= 3, "GET /v1/entries/{id}/history pages", b)
    st, b, _ = call("GET", "/v1/publication", template="/v1/publication")
    tap(st == 200 and any(p["kind"] == "listed" and p.get("entry") == entry for p in b["records"]),
        "GET /v1/publication needs no token: the listing is public [001 §(一)4]", b)
    st, b, _ = call("GET", "/v1/stats", party="office", template="/v1/stats")
    pc = next((a for a in b.get("agencies", []) if a["agency"] == "procurement_centre"), {})
    tap(st == 200 and b["entries"]["black"] == 1 and pc.get("applied") == 1 and pc.get("checks") == 3,
        "GET /v1/stats: one black entry, the centre's feedback and its three checks", b)
    st, b, _ = call("GET", "/v1/stats?from=2026-12-01", party="office", template="/v1/stats")
    tap(st >= 400 and b["error"]["code"] in ("missing_field", "bad_value"), "from without to: refused by feedback", b)
    st, b, _ = call("GET", "/v1/stats/daily?from=2026-11-30&to=2026-12-02", party="office", template="/v1/stats/daily")
    d1 = next((d for d in b.get("days", []) if d["date"] == "2026-12-01"), {})
    tap(st == 200 and [d["date"] for d in b["days"]] == ["2026-11-30", "2026-12-01", "2026-12-02"] and
        d1.get("listed_by_list", {}).get("black") == 1 and d1.get("applied") == 1 and d1.get("checks") == 3,
        "GET /v1/stats/daily: the day the entry took effect, was applied and checked, the days around it", b)
    st, b, _ = call("GET", "/v1/stats/records", party="office", template="/v1/stats/records")
    tb = next((d for d in b.get("departments", []) if d["department"] == "tax_bureau"), {})
    tap(st == 200 and tb.get("records", 0) >= 20, "GET /v1/stats/records: the tax bureau's records", b)
    st, b, _ = call("GET", "/v1/overdue", party="office", template="/v1/overdue")
    tap(st == 200 and isinstance(b["items"], list), "GET /v1/overdue", b)
    st, b, _ = call("GET", "/v1/commitments", party="office", template="/v1/commitments")
    tap(st == 200 and "counts" in b, "GET /v1/commitments", b)

    # ---- metrics: the Prometheus text format, every family with HELP and TYPE ----
    st, b, h = call("GET", "/metrics", party="office")
    fam = set(re.findall(r"^# TYPE (\S+) (\S+)$", b, re.M)) if st == 200 else set()
    names = {f for f, _ in fam}
    samples = [l for l in b.splitlines() if l and not l.startswith("#")] if st == 200 else []
    good = all(re.match(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.e+Inf]+$', l)
               for l in samples)
    owned = all(any(l.startswith(nm) for nm in names) for l in samples)
    want = {"jrp_up", "jrp_log_last_seq", "jrp_consumer_cursor_seq", "jrp_consumer_lag_records", "jrp_store_used_bytes",
            "jrp_store_max_bytes", "jrp_journal_behind_bytes", "jrp_rejected_records", "jrp_tasks_overdue",
            "jrp_duties_overdue", "jrp_catalog_info", "jrp_calendar_year_provisional", "jrp_requests_total",
            "jrp_request_duration_seconds", "jrp_entries_in_force", "jrp_gateway_http_requests_total",
            "jrp_gateway_http_request_duration_seconds"}
    tap(st == 200 and h.get("Content-Type", "").startswith("text/plain; version=0.0.4") and good and owned and
        want <= names and all(t in ("counter", "gauge", "histogram") for _, t in fam) and
        all(f.endswith("_total") for f, t in fam if t == "counter"),
        "GET /metrics: the text exposition format; counters end in _total; the figures the issue names are there",
        "missing: %s\n%s" % (sorted(want - names), "\n".join(l for l in samples[:5])))
    tap(re.search(r'^jrp_entries_in_force\{list="black"\} 1$', b, re.M) and
        re.search(r'^jrp_catalog_info\{daemon="dispatch",version="[^"]+"\} 1$', b, re.M) and
        re.search(r'^jrp_consumer_lag_records\{daemon="feedback",upstream="dispatch"\} 0$', b, re.M),
        "metrics carry the real figures: one black entry, the catalogue in force, feedback caught up", b[:1500])
    ok_checks = re.search(r'^jrp_requests_total\{daemon="dispatch",type="check",result="ok"\} (\d+)$', b, re.M)
    bad_codes = re.search(r'^jrp_requests_total\{daemon="dispatch",type="check",result="bad_code"\} (\d+)$', b, re.M)
    inf = re.search(r'^jrp_request_duration_seconds_bucket\{daemon="dispatch",type="check",le="\+Inf"\} (\d+)$', b, re.M)
    cnt = re.search(r'^jrp_request_duration_seconds_count\{daemon="dispatch",type="check"\} (\d+)$', b, re.M)
    les = [float(x) for x in re.findall(r'^jrp_request_duration_seconds_bucket\{daemon="dispatch",type="check",le="([0-9.e-]+)"\} \d+$', b, re.M)]
    vals = [int(x) for x in re.findall(r'^jrp_request_duration_seconds_bucket\{daemon="dispatch",type="check",le="[^"]+"\} (\d+)$', b, re.M)]
    tap(ok_checks and int(ok_checks.group(1)) >= 3 and bad_codes and int(bad_codes.group(1)) >= 1 and inf and cnt and
        inf.group(1) == cnt.group(1) and int(cnt.group(1)) >= int(ok_checks.group(1)) and les == sorted(les) and
        vals == sorted(vals),
        "the daemons' own counters: dispatch's checks by result (ok, bad_code), a cumulative latency histogram whose "
        "+Inf bucket is its count", "\n".join(l for l in b.splitlines() if 'type="check"' in l)[:2000])
    st, b, _ = call("GET", "/metrics", party="tax_bureau")
    tap(st == 403, "metrics are the office's: a department's token is refused", b)

    # ---- a daemon down: not ready, its routes 503, the others still answer ----
    pid = int(open(os.path.join(tmp, "run/feedback.pid")).read())
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    st, b, _ = call("GET", "/readyz", template="/readyz")
    fb = next((d for d in b.get("daemons", []) if d["daemon"] == "feedback"), {})
    tap(st == 503 and not b["ready"] and fb.get("ready") is False and fb.get("reason"),
        "feedback killed: /readyz 503 names it", b)
    st, b, h = call("GET", "/v1/stats", party="office", template="/v1/stats")
    tap(st in (503, 504) and b["error"]["code"] in ("unavailable", "timeout"),
        "its routes answer 503 (or 504), never a made-up figure", b)
    st, b, _ = call("POST", "/v1/check", {"subject": CODE, "matter": "public_procurement"}, party="procurement_centre",
                    template="/v1/check")
    tap(st == 200 and b["listed"], "dispatch's check still answers while feedback is down", b)
    ctl("up")
    deadline = time.time() + 10
    while time.time() < deadline and call("GET", "/readyz")[0] != 200:
        time.sleep(0.2)
    st, b, _ = call("GET", "/v1/stats", party="office", template="/v1/stats")
    tap(st == 200 and b["entries"]["black"] == 1, "feedback restarted: ready, the same figures", b)

    # ---- tokens are read again when parties.yaml changes: a new one works, a removed one stops ----
    old = tokens["bank_regulator"]
    tokens["bank_regulator"] = "jrp_" + secrets.token_hex(32)
    write_parties(tokens)
    deadline = time.time() + 5
    while time.time() < deadline and call("GET", "/v1/tasks", party="bank_regulator")[0] == 401:
        time.sleep(0.2)
    st1 = call("GET", "/v1/tasks", party="bank_regulator")[0]
    st2 = call("GET", "/v1/tasks", token=old)[0]
    tap(st1 == 200 and st2 == 401, "a rotated token: the new one works within seconds, the old one is 401 (%d, %d)"
        % (st1, st2))

    # ---- HTTPS through libmicrohttpd (GnuTLS), and client certificates of a CA the office names ----
    def ossl(*a):
        r = subprocess.run(["openssl"] + list(a), capture_output=True, text=True, cwd=tmp)
        if r.returncode != 0:
            raise RuntimeError("openssl %s: %s" % (" ".join(a), r.stderr))
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "gw.key", "-out", "gw.crt", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
         "-subj", "/CN=jrp test CA")
    for who in ("centre", "stranger"):
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", who + ".key", "-out", who + ".csr", "-subj", "/CN=" + who)
        ossl("x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
             who + ".crt", "-days", "2")
    der = subprocess.run(["openssl", "x509", "-in", os.path.join(tmp, "centre.crt"), "-outform", "DER"],
                         capture_output=True).stdout
    certs["procurement_centre"] = "sha256:" + hashlib.sha256(der).hexdigest()
    write_parties(tokens)
    crt = os.path.join(tmp, "gw.crt")
    cfg2 = os.path.join(tmp, "tls.yaml")
    with open(cfg2, "w") as f:
        f.write("data_dir: data\nrun_dir: run2\nrules: %s/rules\nparties: parties.yaml\n"
                "endpoints:\n  ingest: ipc://%s/run/ingest.sock\n  adjudicate: ipc://%s/run/adjudicate.sock\n"
                "  dispatch: ipc://%s/run/dispatch.sock\n  feedback: ipc://%s/run/feedback.sock\n"
                "gateway:\n  listen: 127.0.0.1:0\n  tls_cert: gw.crt\n  tls_key: gw.key\n  client_ca: ca.crt\n"
                % ((ROOT,) + (tmp,) * 4))
    gwbin = os.path.join(os.path.dirname(JRPCTL), "../gateway/jrp-gateway")
    p = subprocess.Popen([gwbin, "-c", cfg2], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    portf = os.path.join(tmp, "run2/gateway.port")
    deadline = time.time() + 5
    while time.time() < deadline and not os.path.exists(portf):
        time.sleep(0.1)

    def https_check(who=None, token=None):
        ctx = ssl.create_default_context(cafile=crt)
        if who:
            ctx.load_cert_chain(os.path.join(tmp, who + ".crt"), os.path.join(tmp, who + ".key"))
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = "Bearer " + token
        req = urllib.request.Request("https://127.0.0.1:%s/v1/check" % open(portf).read().strip(), method="POST",
                                     data=json.dumps({"subject": CODE, "matter": "public_procurement"}).encode(), headers=h)
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())
    try:
        st, b = https_check(token=tokens["procurement_centre"])
        tap(st == 200 and b["listed"], "HTTPS: the same check over TLS with a token, the server's certificate verified", b)
        st, b = https_check(who="centre")
        tap(st == 200 and b["listed"] and any(m["yours"] for m in b["entries"][0]["measures"]),
            "a client certificate of the CA, its fingerprint under the centre's certs: the centre, without a token", b)
        st, b = https_check(who="stranger")
        tap(st == 401 and b["error"]["code"] == "unauthorized", "a certificate of the same CA that no party lists: 401", b)
        st, b = https_check()
        tap(st == 401 and "client certificate" in b["error"]["message"], "neither a token nor a certificate: 401, "
            "saying both ways in", b)
    except Exception as e:  # noqa: BLE001 - report whatever went wrong as the test's failure
        tap(False, "HTTPS", repr(e))
    finally:
        p.terminate()
        p.wait(timeout=10)

    # ---- a clean stop: SIGTERM answers what waits and exits 0 ----
    gpid = int(open(os.path.join(tmp, "run/gateway.pid")).read())
    import threading
    res = {}

    def poll():
        res["r"] = call("GET", "/v1/tasks?wait_ms=20000", party="procurement_centre")

    th = threading.Thread(target=poll)
    th.start()
    time.sleep(0.5)
    os.kill(gpid, signal.SIGTERM)
    th.join(timeout=10)
    st = res.get("r", (0,))[0]
    deadline = time.time() + 5
    while time.time() < deadline and os.path.exists(os.path.join(tmp, "run/gateway.port")):
        time.sleep(0.1)
    tap(st == 503 and not os.path.exists(os.path.join(tmp, "run/gateway.port")),
        "SIGTERM: a waiting long-poll is answered 503 at once and the gateway exits (%s)" % st)
except Exception as e:  # noqa: BLE001
    import traceback
    tap(False, "the test ran to its end", traceback.format_exc())
finally:
    cleanup()

print("1..%d" % n)
sys.exit(1 if failed else 0)
