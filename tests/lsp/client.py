#!/usr/bin/env python3
"""A scripted client of `vouch lsp` (docs/editors.md): starts the server,
speaks the Language Server Protocol to it over its standard input and
output, and checks each answer exactly.

    python3 tests/lsp/client.py ./vouch

Prints one line per check ("ok ..." or "FAIL ...") and a last line
"lsp: N passed, M failed"; exits 1 if any check failed. Only the standard
library: no package needed.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import queue
import re
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
PASSED = 0
FAILED = 0


def check(name, cond, detail=""):
    global PASSED, FAILED
    if cond:
        PASSED += 1
        print("ok   " + name)
    else:
        FAILED += 1
        print("FAIL " + name + (": " + detail if detail else ""))


class Server:
    """One `vouch lsp` process and a reader thread splitting its output
    into messages (anything else on stdout is a failure)."""

    def __init__(self, vouch):
        self.p = subprocess.Popen([vouch, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.q = queue.Queue()
        self.junk = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.p.stdout
        while True:
            headers = {}
            line = out.readline()
            if not line:
                self.q.put(None)
                return
            while line not in (b"\r\n", b""):
                if b":" not in line or not line.endswith(b"\r\n"):
                    self.junk.append(line)
                else:
                    k, v = line.decode().split(":", 1)
                    headers[k.strip().lower()] = v.strip()
                line = out.readline()
            n = int(headers.get("content-length", "-1"))
            if n < 0:
                self.junk.append(b"no content-length")
                continue
            body = out.read(n)
            self.q.put(json.loads(body.decode("utf-8")))

    def send_raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)

    def wait(self, pred, timeout=30):
        """The next message matching pred; messages before it are dropped."""
        while True:
            m = self.q.get(timeout=timeout)
            if m is None:
                self.p.wait(timeout=30)
                raise EOFError("the server closed its output (status %s): %s"
                               % (self.p.returncode, self.p.stderr.read().decode("utf-8", "replace")[-3000:]))
            if pred(m):
                return m

    def diagnostics(self, uri):
        m = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri)
        return m["params"]["diagnostics"]

    def finish(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        rc = self.p.wait(timeout=30)
        err = self.p.stderr.read().decode("utf-8", "replace")
        return rc, err


def pos_of(text, needle, delta=0, nth=0):
    """The protocol position (line, UTF-16 character) of the nth needle in
    text, plus delta characters."""
    off = -1
    for _ in range(nth + 1):
        off = text.index(needle, off + 1)
    line = text.count("\n", 0, off)
    start = text.rfind("\n", 0, off) + 1
    ch = len(text[start:off].encode("utf-16-le")) // 2
    return {"line": line, "character": ch + delta}


def rng(text, needle, length=None, nth=0):
    s = pos_of(text, needle, nth=nth)
    n = len(needle) if length is None else length
    return {"start": s, "end": {"line": s["line"], "character": s["character"] + n}}


def words_of_language():
    """The words editors must colour: the lexer's keywords (grammar/lexer.re;
    `mo` is a duration suffix, not a word), the calendar units of `every`
    (compiler/check.c, span_unit) and the functions (runtime/program/
    builtins.def, with the loop sources quarters/months/years)."""
    root = os.path.dirname(os.path.dirname(HERE))
    lex = open(os.path.join(root, "grammar", "lexer.re"), encoding="utf-8").read()
    keywords = set(re.findall(r'"([a-z_]+)"', lex)) - {"mo"}
    keywords |= {"quarter", "month", "year"}
    bdef = open(os.path.join(root, "runtime", "program", "builtins.def"), encoding="utf-8").read()
    functions = set(re.findall(r'^BUILTIN\(\w+,\s*"([a-z_0-9]+)"', bdef, re.M)) | {"quarters", "months", "years"}
    return root, keywords, functions


def editors():
    """The editor set-ups know every word of the language (docs/editors.md)."""
    root, keywords, functions = words_of_language()
    check("the language has words (lexer.re, builtins.def read)", len(keywords) > 50 and len(functions) > 5,
          "%d keywords, %d functions" % (len(keywords), len(functions)))
    vim = open(os.path.join(root, "editors", "vim", "syntax", "vouch.vim"), encoding="utf-8").read()
    have = set()
    for line in vim.splitlines():
        if line.startswith("syn keyword"):
            have |= set(line.split()[3:])
    check("Vim syntax knows every keyword", not (keywords - have), str(sorted(keywords - have)))
    check("Vim syntax knows every function", not (functions - have), str(sorted(functions - have)))
    vs = os.path.join(root, "editors", "vscode")
    pkg = json.load(open(os.path.join(vs, "package.json"), encoding="utf-8"))
    langs = pkg.get("contributes", {}).get("languages", [])
    check("VS Code: the vouch language for .vouch files",
          any(l.get("id") == "vouch" and ".vouch" in l.get("extensions", []) for l in langs), str(langs))
    for l in langs:
        check("VS Code: its language configuration parses",
              isinstance(json.load(open(os.path.join(vs, l["configuration"]), encoding="utf-8")), dict))
    grammars = pkg.get("contributes", {}).get("grammars", [])
    words = set()
    for g in grammars:
        tm = json.load(open(os.path.join(vs, g["path"]), encoding="utf-8"))
        check("VS Code: grammar %s is scope source.vouch" % g["path"], tm.get("scopeName") == "source.vouch")
        for m in re.findall(r'"(?:match|begin)":\s*"((?:[^"\\]|\\.)*)"', json.dumps(tm)):
            words |= set(re.findall(r"[a-z_][a-z_0-9]*", m))
    check("VS Code: a grammar", len(grammars) == 1, str(grammars))
    sys.dont_write_bytecode = True
    sys.path.insert(0, vs)
    import gen_grammar
    check("VS Code grammar is gen_grammar.py's output from the Vim syntax",
          open(os.path.join(vs, "syntaxes", "vouch.tmLanguage.json"), encoding="utf-8").read() == gen_grammar.text())
    check("VS Code grammar knows every keyword", not (keywords - words), str(sorted(keywords - words)))
    check("VS Code grammar knows every function", not (functions - words), str(sorted(functions - words)))
    check("VS Code: the extension starts `vouch lsp` through vscode-languageclient",
          os.path.exists(os.path.join(vs, pkg.get("main", "-")))
          and "vscode-languageclient" in pkg.get("dependencies", {})
          and re.search(r"args: \['lsp'\]", open(os.path.join(vs, pkg["main"]), encoding="utf-8").read()))
    if shutil.which("node"):
        r = subprocess.run(["node", "--check", os.path.join(vs, pkg["main"])], capture_output=True)
        check("VS Code: extension.js is valid JavaScript (node --check)", r.returncode == 0, r.stderr.decode())
    lua = open(os.path.join(root, "editors", "nvim", "vouch.lua"), encoding="utf-8").read()
    check("Neovim: the snippet starts `vouch lsp` for vouch files",
          "vim.lsp.start" in lua and '"lsp"' in lua and "vouch" in lua)


def main():
    vouch = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "./vouch")
    tmp = tempfile.mkdtemp(prefix="vouch-lsp-")
    try:
        run(vouch, tmp)
        editors()
    finally:
        shutil.rmtree(tmp)
    print("lsp: %d passed, %d failed" % (PASSED, FAILED))
    return 1 if FAILED else 0


def run(vouch, tmp):
    # a directory with a space and a non-ASCII letter: URIs are percent-encoded
    d = os.path.join(tmp, "my packs é")
    os.mkdir(d)
    for f in ("main.vouch", "lsp-catalogue.vouch"):
        shutil.copy(os.path.join(HERE, "pack", f), d)
    main_path = os.path.join(d, "main.vouch")
    cat_path = os.path.join(d, "lsp-catalogue.vouch")
    uri = "file://" + urllib.parse.quote(main_path)
    cat_uri = uri.replace("main.vouch", "lsp-catalogue.vouch")
    good = open(main_path, encoding="utf-8").read()

    s = Server(vouch)
    # before initialize: requests are refused
    r = s.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}})
    check("request before initialize gets ServerNotInitialized", r.get("error", {}).get("code") == -32002, str(r))
    r = s.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    caps = r.get("result", {}).get("capabilities", {})
    check("initialize: full sync", caps.get("textDocumentSync", {}).get("change") == 1, str(caps))
    check("initialize: hover, definition, completion, formatting",
          caps.get("hoverProvider") and caps.get("definitionProvider") and "completionProvider" in caps
          and caps.get("documentFormattingProvider"), str(caps))
    s.notify("initialized", {})

    # a broken document: the compiler's message and range, in UTF-16 units
    broken = good.replace("require d.owner != none", 'require d.owner != "😀é" and d.ownr != none')
    s.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "vouch", "version": 1,
                                                       "text": broken}})
    diags = s.diagnostics(uri)
    want = rng(broken, "ownr")
    check("diagnostic for a broken document", len(diags) == 1, json.dumps(diags))
    if diags:
        g = diags[0]
        check("diagnostic message is the compiler's",
              g["message"].split("\n")[0] == "fact `device` has no field `ownr`", g["message"])
        check("diagnostic hint follows the message", g["message"].endswith("hint: did you mean `owner`?"),
              g["message"])
        check("diagnostic range counts UTF-16 units (emoji before it)", g["range"] == want,
              "%s != %s" % (g["range"], want))
        check("diagnostic severity error", g["severity"] == 1)
    # fixed: the diagnostics clear
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                        "contentChanges": [{"text": good}]})
    diags = s.diagnostics(uri)
    check("diagnostics clear after the fix", diags == [], json.dumps(diags))

    def at(method, needle, delta=1, nth=0, text=None):
        return s.request(method, {"textDocument": {"uri": uri},
                                  "position": pos_of(text or good, needle, delta, nth)}).get("result")

    # hover
    h = at("textDocument/hover", "d.owner", 3)
    check("hover on a field: its type", h and h["contents"]["value"] == "field device.owner: text?", str(h))
    want = rng(good, "d.owner")
    want["start"]["character"] += 2
    check("hover range is the field's", h and h["range"] == want, str(h))
    h = at("textDocument/hover", '"C.1"', 1, nth=0)
    v = h["contents"]["value"] if h else ""
    check("hover on a control: title and mappings",
          v.startswith('control "C.1" "Access control" (framework fw)') and "mapped by: device_owned" in v, v)
    h = at("textDocument/hover", "status ==", 1)
    v = h["contents"]["value"] if h else ""
    check("hover on a field in a scope's condition", v == "field device.status: enum(active, retired)", v)
    h = at("textDocument/hover", "critical_suppliers", 2)
    v = h["contents"]["value"] if h else ""
    check("hover on a rule: its severity", "severity low" in v and 'rule critical_suppliers' in v, v)
    h = at("textDocument/hover", "document", 2)
    check("hover on nothing: null", h is None, str(h))
    h = at("textDocument/hover", "<= max_units", 5)
    v = h["contents"]["value"] if h else ""
    check("hover on a parameter: its declaration and pack",
          v == 'param max_units: int = 100 (parameter of pack "lsp-main")', v)

    # definition: a scope, a fact, a field, a rule's variable, across the import
    def loc_is(res, path_uri, needle, text, nth=0, name=""):
        want = {"uri": path_uri, "range": rng(text, needle, nth=nth)}
        check("definition of " + name, res == want, "%s != %s" % (res, want))

    cat_text = open(cat_path, encoding="utf-8").read()
    loc_is(at("textDocument/definition", "in live", 4), uri, "live", good, name="a scope")
    loc_is(at("textDocument/definition", "x in device", 6), uri, "device", good, name="a fact")
    loc_is(at("textDocument/definition", "d.owner", 0), uri, "d", good, nth=good.count("d", 0, good.index("d in live")),
           name="a loop variable")
    loc_is(at("textDocument/definition", "expect device_owned", 9), uri, "device_owned", good,
           name="a rule (from a test's expect)")
    loc_is(at("textDocument/definition", 'D1" status', 4), uri, "status", good, name="a field (from a test's given)")
    loc_is(at("textDocument/definition", "into device", 6), uri, "device", good, name="a fact (from a source)")
    loc_is(at("textDocument/definition", 'status from "State"', 1), uri, "status", good,
           name="a field (fed by a source)")
    loc_is(at("textDocument/definition", "== active", 4), uri, "active", good, name="an enum member")
    loc_is(at("textDocument/definition", "in known", 4), cat_uri, "known", cat_text,
           name="a scope across an import")
    loc_is(at("textDocument/definition", "x in device", 0), uri, "x", good, nth=good.count("x", 0, good.index("x in device")),
           name="a quantifier's variable")
    loc_is(at("textDocument/definition", '"C.1"', 1), cat_uri, "C.1", cat_text, name="a control across an import")
    loc_is(at("textDocument/definition", "given supplier", 7), cat_uri, "supplier", cat_text,
           name="a fact across an import")
    loc_is(at("textDocument/definition", "s.tier", 3), cat_uri, "tier", cat_text,
           name="a field across an import")
    loc_is(at("textDocument/definition", "<= max_units", 5), uri, "max_units", good,
           name="a parameter (from a rule)")
    loc_is(at("textDocument/definition", "vendor_limit = 20", 2), cat_uri, "vendor_limit", cat_text,
           name="a parameter across an import (from the import that sets it)")

    # completion: fields after `x.`, enum members, control ids
    def labels(res):
        return sorted(i["label"] for i in (res or []))

    half = good.replace("require d.owner != none", "require d.")
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                        "contentChanges": [{"text": half}]})
    diags = s.diagnostics(uri)
    check("a half-typed member is an error", len(diags) >= 1, json.dumps(diags))
    c = at("textDocument/completion", "require d.", len("require d."), text=half)
    check("completion of fields after `d.`", labels(c) == ["id", "owner", "status"], str(labels(c)))
    half = good.replace("s.tier == critical", "s.tier == ")
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                        "contentChanges": [{"text": half}]})
    s.diagnostics(uri)
    c = at("textDocument/completion", "s.tier == ", len("s.tier == "), text=half)
    check("completion of enum members after `s.tier == `", labels(c) == ["critical", "important", "other"],
          str(labels(c)))
    half = good.replace('maps "fw" "C.2"', 'maps "fw" "')
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 5},
                                        "contentChanges": [{"text": half}]})
    s.diagnostics(uri)
    c = at("textDocument/completion", 'maps "fw" "', len('maps "fw" "'), nth=1, text=half)
    check("completion of control ids after `maps \"fw\" \"`", labels(c) == ["C.1", "C.2"], str(labels(c)))
    # where a value goes: the parameters of the document's own pack (not an
    # imported pack's), and the words of the language, the newer ones too
    c = at("textDocument/completion", "<= max_units", len("<= "), text=half)
    got = labels(c)
    check("completion of a value offers the pack's parameters", "max_units" in got and "vendor_limit" not in got,
          str(got))
    check("completion offers the newer keywords",
          all(w in got for w in ["param", "authority", "freshness", "sum", "avg", "band", "tolerate", "accept",
                                 "review", "role", "year", "source"]), str(got))
    # a rule title's `{`: the parameters it may name, nothing else
    half = good.replace('rule few_devices "Not too many devices"', 'rule few_devices "Not more than {')
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 55},
                                        "contentChanges": [{"text": half}]})
    s.diagnostics(uri)
    c = at("textDocument/completion", "Not more than {", len("Not more than {"), text=half)
    check("completion in a rule title's `{` offers the pack's parameters", labels(c) == ["max_units"],
          str(labels(c)))

    # formatting: vouch fmt's layout as one edit; nothing for a text that does not parse
    messy = good.replace("  severity high", "     severity    high")
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 6},
                                        "contentChanges": [{"text": messy}]})
    s.diagnostics(uri)
    f = s.request("textDocument/formatting", {"textDocument": {"uri": uri},
                                              "options": {"tabSize": 2, "insertSpaces": True}}).get("result")
    fmt = subprocess.run([vouch, "fmt", "--check", main_path], capture_output=True)
    check("the test document is formatted already (vouch fmt --check)", fmt.returncode == 0, fmt.stdout.decode())
    check("formatting: one edit giving vouch fmt's layout", isinstance(f, list) and len(f) == 1
          and f[0]["newText"] == good and f[0]["range"]["start"] == {"line": 0, "character": 0}, str(f)[:300])
    s.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 7},
                                        "contentChanges": [{"text": good + "rule {"}]})
    s.diagnostics(uri)
    f = s.request("textDocument/formatting", {"textDocument": {"uri": uri}, "options": {}})
    check("formatting a text that does not parse: null", "result" in f and f["result"] is None, str(f))

    # an import with bytes that are not UTF-8: its errors at the top of the
    # document, saying where; summaries quoting it stay valid JSON
    with open(os.path.join(d, "bad-bytes.vouch"), "wb") as f:
        f.write(b'pack "bad-bytes" version "1"\nframework "fwb" "T" {\n  control "C.1" "Ac\xffcess"\n}\n')
    other = 'pack "other" version "1"\nimport "bad-bytes"\n'
    other_uri = uri.replace("main.vouch", "other.vouch")
    s.notify("textDocument/didOpen", {"textDocument": {"uri": other_uri, "languageId": "vouch", "version": 1,
                                                       "text": other}})
    diags = s.diagnostics(other_uri)
    where = os.path.join(d, "bad-bytes.vouch") + ":3:20: byte 0xFF is not UTF-8"
    check("an error in an imported file: at the top, with its file:line:col",
          any(g["message"].startswith(where) and g["range"]["start"] == {"line": 0, "character": 0} for g in diags),
          json.dumps(diags, ensure_ascii=False))
    s.notify("textDocument/didClose", {"textDocument": {"uri": other_uri}})
    check("closing a document clears its diagnostics", s.diagnostics(other_uri) == [])

    # malformed messages: not JSON, a header without a length; the server goes on
    s.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    e = s.wait(lambda m: "error" in m and m.get("id") is None)
    check("bad JSON gets ParseError", e["error"]["code"] == -32700, str(e))
    s.send_raw(b"Content-Type: nothing\r\n\r\n")
    r = s.request("vouch/unknown", {})
    check("unknown request gets MethodNotFound", r.get("error", {}).get("code") == -32601, str(r))

    # shutdown then exit: 0, and nothing but protocol on stdout
    r = s.request("shutdown", None)
    check("shutdown answers null", "result" in r and r["result"] is None, str(r))
    s.notify("exit", None)
    rc, err = s.finish()
    check("exit after shutdown: status 0", rc == 0, "rc=%s stderr=%s" % (rc, err))
    check("stdout holds only protocol messages", s.junk == [], str(s.junk))
    check("the malformed header is logged", "without Content-Length" in err, err)

    # exit without shutdown: 1; the input ending without exit: 1
    s = Server(vouch)
    s.request("initialize", {"capabilities": {}})
    s.notify("exit", None)
    rc, _ = s.finish()
    check("exit without shutdown: status 1", rc == 1, "rc=%s" % rc)
    s = Server(vouch)
    s.request("initialize", {"capabilities": {}})
    rc, _ = s.finish()
    check("end of input without exit: status 1", rc == 1, "rc=%s" % rc)


if __name__ == "__main__":
    sys.exit(main())
