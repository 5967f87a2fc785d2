#!/usr/bin/env python3
"""Turn the official MLPerf checker's files for one Training round into repro rule files.

    python3 scripts/mlperf-rules-import.py 5.0 specs/rules/mlperf-training-5.0

Run it with the python of a venv that has `mlperf-logging` installed (scripts/setup.sh makes
one at target/mlperf-venv). It reads, from the installed `mlperf_logging` package:

- compliance_checker/training_X.Y.0/*.yaml -> one `.run` rule set per YAML file; the Python
  CHECK / ATLEAST_ONE_CHECK expressions are parsed with `ast` (as the checker's `eval` would
  parse them) and translated; the checker's state `s` is translated into history functions
  from the BEGIN defaults and the POST code that sets it;
- rcp_checker/training_X.Y.0/rcps_*.json -> rcp/ (copied byte for byte);
- benchmark_meta.py, result_summarizer.py, system_desc_checker.py, rcp_checker.py ->
  package.run (benchmarks, run counts, olympic drop counts, system fields, statuses, RCP
  parameters).

Why a Python script: the inputs are Python source and YAML holding Python expressions; Python's
own `ast` parses them exactly as the checker does, and the venv that holds the inputs is the
one the oracle tests need anyway, so this adds no dependency.

A check it cannot translate is written into the generated file as an `# untranslated:` comment
and listed on stderr; nothing is dropped silently. The exit status is 0 even then (the list is
part of the committed output, so CI notices when it changes).
"""

import ast
import json
import os
import re
import shutil
import sys

import yaml
import mlperf_logging

PKG = os.path.dirname(mlperf_logging.__file__)


class Untranslatable(Exception):
    pass


def q(s):
    return json.dumps(s)


class State:
    """What the checker's `s['X']` means, as a repro expression, per state variable."""

    def __init__(self):
        self.defaults = {}
        self.meaning = {}
        self.poisoned = set()  # set by an untranslated statement of the file being converted
        # state the file being converted updates conditionally or incrementally (`if ...:`,
        # `+=`): it cannot be a history function, so it is a state variable of the rule set
        # (`let X = default`), updated by `X = ...` in the key blocks and read by its name
        self.stateful = set()
        self.posts = {}  # key -> ["X = expr", ...] of the file being converted

    def begin(self, code):
        tree = ast.parse(code.strip())
        for stmt in tree.body:
            call = getattr(stmt, "value", None)
            if (
                isinstance(stmt, ast.Expr)
                and isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "update"
                and isinstance(call.func.value, ast.Name)
                and call.func.value.id == "s"
            ):
                self.defaults.update(ast.literal_eval(call.args[0]))
            else:
                raise Untranslatable(ast.unparse(stmt))

    def post(self, key, code, expr_of):
        """Learns the meaning of state variables from a key's POST code, and the updates of
        stateful variables the key block makes."""
        untranslated = []
        # state set earlier in this POST, as expressions of the current line (`value`): a
        # later statement of the same POST reads those, not the history of earlier lines
        local = {}

        def here():
            return {"value": "value", **{"s:" + k: e for k, e in local.items()}}

        for stmt in ast.parse(code.strip()).body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                f = stmt.value.func
                if isinstance(f, ast.Name) and f.id == "enqueue_config":
                    continue  # dispatch: expressed by each rule set's `when`
            targets = assigned_state(stmt)
            if targets and targets <= self.stateful:
                try:
                    ups = self.updates(stmt, here(), expr_of)
                except Untranslatable:
                    untranslated.append(ast.unparse(stmt))
                    continue
                self.posts.setdefault(key, []).extend(f"{x} = {e}" for x, e in ups)
                for x, _ in ups:
                    local.pop(x, None)  # later statements read the updated variable
                continue
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and is_state(stmt.targets[0])
            ):
                name = state_name(stmt.targets[0])
                v = stmt.value
                try:
                    local[name] = expr_of(v, here())
                    if may_raise(v):
                        # the official POST may raise here (a state no line set, a missing
                        # field, a division by zero): the key block runs it, so that a raising
                        # one is the official "Failed executing code POST" at its line
                        self.posts.setdefault(key, []).append(f"{name} = {local[name]}")
                except Untranslatable:
                    local.pop(name, None)
                if name in self.poisoned:
                    untranslated.append(ast.unparse(stmt) + " (why: another statement sets it in a way not translated)")
                    continue
                if isinstance(v, ast.Constant) and v.value is True:
                    self.meaning[name] = f"seen({key})"
                    continue
                if (
                    isinstance(v, ast.Call)
                    and isinstance(v.func, ast.Name)
                    and v.func.id == "min"
                    and len(v.args) == 2
                    and is_state(v.args[0])
                    and state_name(v.args[0]) == name
                    and ast.unparse(v.args[1]) == "ll.timestamp"
                ):
                    self.meaning[name] = f"earliest({key})"
                    continue
                # the checker runs a `submission_*` key's code on its first line only
                hist = "first" if key.startswith("submission_") else "last"
                try:
                    body = expr_of(v, {"value": f"{hist}({key})"})
                except Untranslatable:
                    untranslated.append(ast.unparse(stmt))
                    continue
                if name in self.defaults:
                    try:
                        default = literal(self.defaults[name])
                    except Untranslatable:
                        untranslated.append(ast.unparse(stmt))
                        continue
                    self.meaning[name] = f"(if not seen({key}) then {default} else {body})"
                else:
                    # no BEGIN default: reading it before the key's line is a KeyError
                    self.meaning[name] = f"(if seen({key}) then {body} else unset({q(name)}))"
                continue
            # state this statement sets has no single meaning any more: a check reading it
            # stays untranslated rather than use the meaning of another assignment
            for node in ast.walk(stmt):
                for t in node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []:
                    if is_state(t):
                        self.meaning.pop(state_name(t), None)
                        self.poisoned.add(state_name(t))
            why = ""
            if isinstance(stmt, ast.If):
                why = " (why: state updated conditionally on each line, which the pure history functions cannot express)"
            untranslated.append(ast.unparse(stmt) + why)
        return untranslated

    def updates(self, stmt, names, expr_of):
        """[(X, expr)]: the key-block updates a POST statement on stateful variables makes."""
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and is_state(stmt.targets[0]):
            return [(state_name(stmt.targets[0]), expr_of(stmt.value, names))]
        if isinstance(stmt, ast.AugAssign) and is_state(stmt.target):
            return [(state_name(stmt.target), expr_of(ast.BinOp(stmt.target, stmt.op, stmt.value), names))]
        if isinstance(stmt, ast.If):
            cond = expr_of(stmt.test, names)
            branches = []
            for body in (stmt.body, stmt.orelse):
                ups = {}
                for b in body:
                    if isinstance(b, ast.If):
                        raise Untranslatable(ast.unparse(b))
                    for x, e in self.updates(b, names, expr_of):
                        if x in ups:
                            raise Untranslatable(ast.unparse(stmt))
                        ups[x] = e
                branches.append(ups)
            order = list(dict.fromkeys([*branches[0], *branches[1]]))
            read = {state_name(n) for n in ast.walk(stmt.test) if is_state(n)}
            if len(order) > 1 and read & set(order):
                # each update re-evaluates the condition after the previous one
                raise Untranslatable(ast.unparse(stmt))
            out = []
            for x in order:
                if x not in self.defaults_here:
                    # the branch not taken would read a variable that may be unset
                    raise Untranslatable(ast.unparse(stmt))
                out.append((x, f"if {cond} then {branches[0].get(x, x)} else {branches[1].get(x, x)}"))
            return out
        raise Untranslatable(ast.unparse(stmt))


def may_raise(n):
    """Whether a POST value can raise in Python: it reads state (a KeyError before any line set
    it), a field below `v['value']` or `v['metadata']`, orders, computes or calls. `==`, `in` a
    literal list, `if`, `and`/`or`, literals and `v['value']` never raise."""
    if isinstance(n, ast.Constant):
        return False
    if isinstance(n, ast.Subscript) and ast.unparse(n) == "v['value']":
        return False
    if isinstance(n, ast.IfExp):
        return any(may_raise(x) for x in (n.test, n.body, n.orelse))
    if isinstance(n, ast.BoolOp):
        return any(may_raise(x) for x in n.values)
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
        return may_raise(n.operand)
    if isinstance(n, (ast.List, ast.Tuple)):
        return any(may_raise(x) for x in n.elts)
    if isinstance(n, ast.Compare) and all(isinstance(o, (ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot)) for o in n.ops):
        return any(may_raise(x) for x in [n.left, *n.comparators])
    return True


def assigned_state(stmt):
    """The state variables a POST statement assigns (`s['X'] = `, `s['X'] += `, in `if`s too)."""
    out = set()
    for node in ast.walk(stmt):
        for t in node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []:
            if is_state(t):
                out.add(state_name(t))
    return out


def stateful_vars(posts):
    """State a file's POST code updates conditionally (`if`) or incrementally (`+=`)."""
    out = set()
    for code in posts:
        for stmt in ast.walk(ast.parse(str(code).strip())):
            if isinstance(stmt, ast.If):
                for b in stmt.body + stmt.orelse:
                    out |= assigned_state(b)
            if isinstance(stmt, ast.AugAssign) and is_state(stmt.target):
                out.add(state_name(stmt.target))
    return out


def is_state(node):
    """`s['X']`, or `s.get('X')` (None where `s['X']` is a KeyError)."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "s"
        and isinstance(node.slice, ast.Constant)
    ) or (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "s"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
    )


def state_name(node):
    return node.slice.value if isinstance(node, ast.Subscript) else node.args[0].value


def literal(x):
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, str):
        return q(x)
    if isinstance(x, (int, float)):
        return number(x)
    raise Untranslatable(repr(x))


def number(x):
    if isinstance(x, bool):
        raise Untranslatable(repr(x))
    if isinstance(x, int):
        return str(x)
    r = repr(float(x))
    return r


CMP = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
# the rule language's builtins (compiler/src/rules/builtin.rs), by the checker's name for them
BUILTINS = {
    "is_integer": "is_integer",
    "math.ceil": "ceil",
    "math.floor": "floor",
    "int": "int",
    "abs": "abs",
    "math.log2": "log2",
    "math.sqrt": "sqrt",
    "max": "max",
    "min": "min",
}
# operators written as builtins: `a ** b` is `pow(a, b)`, `a % b` is `mod(a, b)`
OP_BUILTINS = {ast.Pow: "pow", ast.Mod: "mod"}


def prec(n):
    """How tightly an expression binds in repro's rule language (higher binds tighter)."""
    if isinstance(n, ast.IfExp):
        return 0
    if isinstance(n, ast.BoolOp):
        return 1 if isinstance(n.op, ast.Or) else 2
    if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitOr):
        return 1
    if isinstance(n, ast.BinOp) and isinstance(n.op, ast.BitAnd):
        return 2
    if isinstance(n, ast.BinOp) and type(n.op) in OP_BUILTINS:
        return 8
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
        return 3
    if isinstance(n, ast.Compare):
        # a chain becomes `a and b`
        return 4 if len(n.ops) == 1 else 2
    if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub)):
        return 5
    if isinstance(n, ast.BinOp):
        return 6
    if isinstance(n, ast.UnaryOp):
        return 7
    if is_state(n):
        return 0  # a state meaning may be any expression; it carries its own parentheses
    return 8


class Translator:
    def __init__(self, state, source):
        self.state = state
        self.source = source

    def check(self, text, names=None):
        tree = ast.parse(text.strip(), mode="eval")
        return self.expr(tree.body, names or {})

    def expr(self, n, names):
        e = lambda m: self.expr(m, names)  # noqa: E731
        if isinstance(n, ast.Constant):
            if isinstance(n.value, bool):
                return "true" if n.value else "false"
            if isinstance(n.value, str):
                return q(n.value)
            if isinstance(n.value, (int, float)):
                seg = ast.get_source_segment(self.source, n) if self.source else None
                if seg and re.fullmatch(r"[0-9_.eE+-]+", seg):
                    return seg.replace("_", "")
                return number(n.value)
            raise Untranslatable(ast.unparse(n))
        if isinstance(n, ast.BoolOp):
            op = " and " if isinstance(n.op, ast.And) else " or "
            me = prec(n)
            return op.join(self.paren(v, names, me + 1) for v in n.values)
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.BitOr, ast.BitAnd)):
            op = " or " if isinstance(n.op, ast.BitOr) else " and "
            me = prec(n)
            return f"{self.paren(n.left, names, me)}{op}{self.paren(n.right, names, me + 1)}"
        if isinstance(n, ast.BinOp) and type(n.op) in OP_BUILTINS:
            return f"{OP_BUILTINS[type(n.op)]}({e(n.left)}, {e(n.right)})"
        if (
            isinstance(n, ast.Call)
            and not n.keywords
            and ast.unparse(n.func) in BUILTINS
            and not any(isinstance(a, ast.Starred) for a in n.args)
        ):
            return f"{BUILTINS[ast.unparse(n.func)]}(" + ", ".join(e(a) for a in n.args) + ")"
        if isinstance(n, ast.BinOp) and type(n.op) in ARITH:
            me = prec(n)
            return f"{self.paren(n.left, names, me)} {ARITH[type(n.op)]} {self.paren(n.right, names, me + 1)}"
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not):
            return f"not {self.paren(n.operand, names, prec(n))}"
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            return f"-{self.paren(n.operand, names, prec(n))}"
        if isinstance(n, ast.IfExp):
            return f"if {e(n.test)} then {e(n.body)} else {e(n.orelse)}"
        if isinstance(n, ast.List):
            return "[" + ", ".join(e(x) for x in n.elts) + "]"
        if isinstance(n, ast.Compare):
            parts = []
            left = n.left
            for op, right in zip(n.ops, n.comparators):
                parts.append(self.compare(left, op, right, names))
                left = right
            return " and ".join(parts)
        if is_state(n):
            name = state_name(n)
            if "s:" + name in names:
                # set earlier in the same POST: its expression on this line
                here = names["s:" + name]
                return here if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", here) else f"({here})"
            if name in self.state.meaning:
                meaning = self.state.meaning[name]
                unset = f" else unset({q(name)}))"
                if isinstance(n, ast.Call) and meaning.endswith(unset):
                    # `s.get('X')` of a variable no BEGIN sets is None, not a KeyError
                    meaning = meaning[: -len(unset)] + " else null)"
                return meaning
            raise Untranslatable(ast.unparse(n))
        if isinstance(n, ast.Attribute) and ast.unparse(n) == "ll.timestamp":
            return "time_ms"
        path = self.field(n)
        if path is not None:
            root, rest = path
            base = names.get(root, root)
            return ".".join([base] + rest)
        raise Untranslatable(ast.unparse(n))

    def paren(self, n, names, least):
        """`n` in a place that binds at `least`: parenthesised when it binds looser."""
        s = self.expr(n, names)
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", s):
            return s  # a name (a stateful variable's meaning) binds tightest
        if prec(n) < least or s.startswith("if ") or s.startswith("(if "):
            return s if s.startswith("(") and prec(n) >= least else f"({s})"
        return s

    def compare(self, left, op, right, names):
        if isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) and right.value is None:
            # `x is None`: null is the only value equal to null
            eq = "==" if isinstance(op, ast.Is) else "!="
            return f"{self.paren(left, names, 5)} {eq} null"
        if isinstance(op, (ast.In, ast.NotIn)):
            neg = "not " if isinstance(op, ast.NotIn) else ""
            # 'k' in v['metadata'] / v['value']
            if isinstance(left, ast.Constant) and isinstance(left.value, str):
                if ast.unparse(right) == "v":
                    if left.value == "value":
                        # every line the parser accepts has a value
                        return f"{neg}true" if not neg else "false"
                    raise Untranslatable(ast.unparse(ast.Compare(left, [op], [right])))
                path = self.field(right)
                if path is not None and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", left.value):
                    root, rest = path
                    base = ".".join([names.get(root, root)] + rest)
                    return f"{neg}({base} has {left.value})" if neg else f"{base} has {left.value}"
            if isinstance(right, (ast.List, ast.Tuple)):
                lst = "[" + ", ".join(self.expr(x, names) for x in right.elts) + "]"
                s = f"{self.paren(left, names, 5)} in {lst}"
                return f"not ({s})" if neg else s
            raise Untranslatable(ast.unparse(ast.Compare(left, [op], [right])))
        if type(op) in CMP:
            return f"{self.paren(left, names, 5)} {CMP[type(op)]} {self.paren(right, names, 5)}"
        raise Untranslatable(ast.unparse(ast.Compare(left, [op], [right])))

    @staticmethod
    def field(n):
        """v['value'][...] / v['metadata'][...] as (root, [fields])."""
        rest = []
        while isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant):
            if not isinstance(n.slice.value, str):
                return None
            if (
                isinstance(n.value, ast.Name)
                and n.value.id == "v"
                and n.slice.value in ("value", "metadata")
            ):
                return n.slice.value, list(reversed(rest))
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n.slice.value):
                return None
            rest.append(n.slice.value)
            n = n.value
        return None


SD_PIVOT = 'derive aggregated_eval_accuracy = pivot(eval_accuracy, by = "samples_count", column = "metric")'


def begin_block(code):
    """Known BEGIN blocks: the stable diffusion FID/CLIP aggregation."""
    src = code.strip()
    if (
        'line.key == "eval_accuracy"' in src
        and "'metric' in line.value['metadata']" in src
        and 'new_line.key = "aggregated_eval_accuracy"' in src
        and "line.value['metadata']['samples_count']" in src
        and "loglines.extend(agg_eval_lines.values())" in src
    ):
        return SD_PIVOT
    return None


def require(req):
    if req == "OPTIONAL":
        return None  # no count to check; its CHECKs apply to the lines there are
    if req == "EXACTLY_ONE":
        return "exactly_one"
    if req == "AT_LEAST_ONE":
        return "at_least_one"
    m = re.fullmatch(r"AT_LEAST_ONE_OR\((\w+)\)", req)
    if m:
        return f"at_least_one_or({m.group(1)})"
    m = re.fullmatch(r"AT_LEAST\((\d+)\)", req)
    if m:
        return f"at_least({m.group(1)})"
    raise Untranslatable(f"REQ: {req}")


def as_list(x):
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


class Report:
    def __init__(self):
        self.items = []

    def add(self, where, what, text):
        self.items.append((where, what, " ".join(str(text).split())))


def sub_dispatch(cdir):
    """Files another file enqueues by a key's value: {file: (parent, key, value)}."""
    out = {}
    for f in os.listdir(cdir):
        if not f.endswith(".yaml"):
            continue
        for rec in yaml.safe_load(open(os.path.join(cdir, f))) or []:
            k = rec.get("KEY") if isinstance(rec, dict) else None
            if not k or "POST" not in k:
                continue
            m = re.search(r"enqueue_config\('training_[0-9.]+/(\w+?)\{\}\.yaml'\.format\(v\['value'\]\)\)", k["POST"])
            if m and m.group(1) not in ("closed_", "open_", ""):
                prefix = m.group(1)
                for g in os.listdir(cdir):
                    if g.startswith(prefix) and g.endswith(".yaml"):
                        out[g[:-5]] = (f[:-5], k["NAME"], g[len(prefix):-5])
    return out


SUB = {}


def convert_yaml(version, path, state, report, common):
    """One compliance YAML -> the text of one `.run` file."""
    base = os.path.basename(path)[: -len(".yaml")]
    rel = f"compliance_checker/training_{version}/{base}.yaml"
    with open(path) as f:
        source = f.read()
    records = yaml.safe_load(source) or []
    round_name = "mlperf-training-" + version.rsplit(".", 1)[0]
    lines = [f"# Generated by scripts/mlperf-rules-import.py from mlperf-logging {mlperf_version()} {rel}.", "# Do not edit: rerun scripts/mlperf-rules-import.sh."]
    head = [f'rules "{round_name}/{base}" {{']
    if base == "common":
        head.append(f'  ruleset = "{round_name}"')
        head.append(f'  version = "{version}"')
    elif base.endswith("_common"):
        head.append(f'  when = first(submission_division) == "{base[:-7]}"')
    elif base in SUB:
        parent, key, value = SUB[base]
        division, bench = parent.split("_", 1)
        head.append(
            f'  when = first(submission_division) == "{division}" and first(submission_benchmark) == "{bench}" and first({key}) == "{value}"'
        )
    else:
        division, bench = base.split("_", 1)
        head.append(
            f'  when = first(submission_division) == "{division}" and first(submission_benchmark) == "{bench}"'
        )
    body = []
    notes = []
    keys = {}
    for rec in records:
        kind = list(rec)[0]
        if kind == "BEGIN":
            code = rec["BEGIN"].get("CODE", "")
            derived = begin_block(code)
            if derived:
                body.append("")
                body.append("  " + derived)
                continue
            try:
                state.begin(code)
            except Untranslatable as e:
                report.add(rel, "BEGIN", code)
                notes.append(f"  # untranslated BEGIN: {' '.join(code.split())}")
        elif kind == "KEY":
            keys[rec["KEY"]["NAME"]] = rec["KEY"]  # later records replace earlier ones
        else:
            report.add(rel, kind, rec[kind])
            notes.append(f"  # untranslated {kind}: {' '.join(str(rec[kind]).split())}")
    tr = Translator(state, None)
    # a state variable this file's BEGIN sets and no POST of the file assigns is a constant
    # (dlrmv4's `train_samples`, `target_accuracy`): its meaning is the literal, in this file only
    assigned = {
        state_name(t)
        for k in keys.values()
        if "POST" in k
        for stmt in ast.walk(ast.parse(str(k["POST"]).strip()))
        for t in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AugAssign) else [])
        if is_state(t)
    }
    constants = {}
    for rec in records:
        if list(rec)[0] == "BEGIN" and not begin_block(rec["BEGIN"].get("CODE", "")):
            mine = State()
            try:
                mine.begin(rec["BEGIN"].get("CODE", ""))
            except Untranslatable:
                continue
            for var, default in mine.defaults.items():
                if var not in assigned and default is not None:
                    try:
                        constants[var] = literal(default)
                    except Untranslatable:
                        pass
    state.poisoned = set()
    state.posts = {}
    state.stateful = stateful_vars(k["POST"] for k in keys.values() if "POST" in k)
    state.defaults_here = {}
    for rec in records:
        if list(rec)[0] == "BEGIN" and not begin_block(rec["BEGIN"].get("CODE", "")):
            mine = State()
            try:
                mine.begin(rec["BEGIN"].get("CODE", ""))
                state.defaults_here = mine.defaults
            except Untranslatable:
                pass
    lets = []
    for var in sorted(state.stateful):
        if var in state.defaults_here:
            try:
                lets.append(f"  let {var} = {literal(state.defaults_here[var])}")
            except Untranslatable:
                state.defaults_here.pop(var)
    saved = {var: state.meaning.get(var) for var in {*constants, *state.stateful}}
    state.meaning.update(constants)
    state.meaning.update({var: var for var in state.stateful})
    # POST code first, in file order, so that state set by a key is known to every check
    for name, k in keys.items():
        if "POST" in k:
            for stmt in state.post(name, k["POST"], lambda v, names: tr.expr(v, names)):
                report.add(rel, f"key {name} POST", stmt)
    for name, k in keys.items():
        out = [f"  key {name} {{"]
        if "REQ" in k:
            try:
                r = require(k["REQ"])
                if r:
                    out.append(f"    require {r}")
            except Untranslatable as e:
                report.add(rel, f"key {name} REQ", e)
                out.append(f"    # untranslated REQ: {k['REQ']}")
        for field, word in (("CHECK", "check"), ("ATLEAST_ONE_CHECK", "target")):
            for text in as_list(k.get(field)):
                text = str(text)
                tr.source = text.strip()
                try:
                    out.append(f"    {word} {tr.check(text)}")
                except (Untranslatable, SyntaxError) as e:
                    report.add(rel, f"key {name} {field}", text)
                    out.append(f"    # untranslated {field}: {' '.join(text.split())}")
        if "PRE" in k:
            report.add(rel, f"key {name} PRE", k["PRE"])
            out.append(f"    # untranslated PRE: {' '.join(str(k['PRE']).split())}")
        for text in as_list(k.get("FIRST_CHECK")):
            # the checker evaluates FIRST_CHECK on the key's first line only: no earlier line
            text = str(text)
            tr.source = text.strip()
            try:
                out.append(f"    check count({name}) > 0 or ({tr.check(text)})")
            except (Untranslatable, SyntaxError):
                report.add(rel, f"key {name} FIRST_CHECK", text)
                out.append(f"    # untranslated FIRST_CHECK: {' '.join(text.split())}")
        out.extend(f"    {u}" for u in state.posts.get(name, []))
        if len(out) == 2 and out[1].startswith("    require"):
            body.append(f"  key {name} {{ {out[1].strip()} }}")
        else:
            body.append("\n".join(out + ["  }"]))
    for var, meaning in saved.items():
        if meaning is None:
            state.meaning.pop(var, None)
        else:
            state.meaning[var] = meaning
    state.stateful = set()
    return "\n".join(lines + head + notes + lets + ([""] if body else []) + body + ["}", ""])


def mlperf_version():
    try:
        from importlib.metadata import version

        return version("mlperf-logging")
    except Exception:  # pragma: no cover
        return "unknown"


def read_source(rel):
    with open(os.path.join(PKG, rel)) as f:
        return f.read()


def find_assign(tree, name):
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name) and t.id == name:
                    return node.value
    raise SystemExit(f"error: `{name}` not found in the official sources\nhelp: the converter knows mlperf-logging 4.1.68")


def package(version, benches, rcps):
    from mlperf_logging import benchmark_meta

    short = version.rsplit(".", 1)[0]
    allowed = benchmark_meta._ALL_ALLOWED_BENCHMARKS["training"][short]
    benchmarks = list(dict.fromkeys(allowed))
    counts = benchmark_meta._ALL_RESULT_FILE_COUNTS["training"]
    summarizer = read_source("result_summarizer/result_summarizer.py")
    m = re.search(r"max_dropped_scores = (\d+) if benchmark == \"(\w+)\" else (\d+)", summarizer)
    if not m:
        raise SystemExit("error: the olympic drop count is not where mlperf-logging 4.1.68 has it\nhelp: update scripts/mlperf-rules-import.py")
    special_n, special_bench, dropped = int(m.group(1)), m.group(2), int(m.group(3))
    sysdesc = ast.parse(read_source("system_desc_checker/system_desc_checker.py"))
    fields = ast.literal_eval(find_assign(sysdesc, "required_fields"))
    # the status check applies from ruleset 4.0 on (every round this converter serves)
    statuses = ast.literal_eval(find_assign(sysdesc, "availability_options"))
    rcp = read_source("rcp_checker/rcp_checker.py")
    alpha = re.search(r"self\.alpha = ([0-9.]+)", rcp).group(1)
    tol = re.search(r"self\.tolerance = ([0-9.]+)", rcp).group(1)
    sd = re.search(r'eval_result\["FID"\] <= ([0-9.]+) and eval_result\["CLIP"\] >= ([0-9.]+)', rcp)

    def wrap(items, indent="    "):
        out, line = [], indent
        for it in items:
            piece = it + ", "
            if len(line) + len(piece) > 96 and line.strip():
                out.append(line.rstrip())
                line = indent
            line += piece
        if line.strip():
            out.append(line.rstrip())
        return "\n".join(out)

    name = f"mlperf-training-{short}"
    rule_files = ["common.run"] + [f"{b}.run" for b in benches]
    L = [
        f"# Generated by scripts/mlperf-rules-import.py from mlperf-logging {mlperf_version()}: benchmark_meta.py,",
        "# result_summarizer/result_summarizer.py, system_desc_checker/system_desc_checker.py,",
        f"# rcp_checker/rcp_checker.py and rcp_checker/training_{version}/. Do not edit.",
        f'rules "{name}/package" {{',
        f'  ruleset = "{name}"',
        f'  version = "{version}"',
        "",
        "  # compliance rule files, in the order the official checker enqueues them; `when`",
        "  # selects the division and benchmark files for a log",
        "  rule_files = [",
        wrap([q(f) for f in rule_files]),
        "  ]",
        "",
        "  # the round's benchmark list; other benchmark folders are skipped with a warning",
        "  benchmarks = [" + ", ".join(q(b) for b in benchmarks) + "]",
        "",
        "  # `result_*.txt` files a benchmark folder must hold, exactly",
        "  required_runs = {",
        wrap([f"{b} = {counts[b]}" for b in sorted(benchmarks)]),
        "  }",
        "",
        "  # non-converged runs the olympic mean tolerates",
        f"  olympic_dropped_allowed = {dropped}",
    ]
    if special_bench in benchmarks:
        L.append(f"  olympic_dropped_allowed_by_benchmark = {{ {special_bench} = {special_n} }}")
    L += [
        "",
        "  # every systems/*.json must have all of these",
        "  system_fields = [",
        wrap([q(f) for f in fields]),
        "  ]",
        "",
        "  statuses = [",
        wrap([q(s) for s in statuses]),
        "  ]",
        "",
        "  # the RCP check: reference files under rcp/, closed division only",
        "  rcp_files = {",
        wrap([f'{b} = "rcp/{f}"' for b, f in sorted(rcps.items())]),
        "  }",
        f"  rcp_alpha = {alpha}",
        f"  rcp_tolerance = {tol}",
    ]
    if sd:
        L += [
            "  # stable diffusion convergence as the RCP checker reads it",
            f"  sd_fid_max = {sd.group(1)}",
            f"  sd_clip_min = {sd.group(2)}",
        ]
    L += ["}", ""]
    return "\n".join(L)


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: mlperf-rules-import.py X.Y OUTDIR")
    short, out = sys.argv[1], sys.argv[2]
    version = short + ".0"
    cdir = os.path.join(PKG, "compliance_checker", f"training_{version}")
    rdir = os.path.join(PKG, "rcp_checker", f"training_{version}")
    if not os.path.isdir(cdir):
        raise SystemExit(f"error: mlperf-logging has no `training_{version}` rules\nhelp: rounds it has: "
                         + ", ".join(sorted(d[9:-2] for d in os.listdir(os.path.join(PKG, "compliance_checker")) if d.startswith("training_"))))
    tmp = out.rstrip("/") + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, "rcp"))
    report = Report()
    state = State()
    SUB.update(sub_dispatch(cdir))
    yamls = sorted(f[:-5] for f in os.listdir(cdir) if f.endswith(".yaml"))
    order = ["common"] + [f"{d}_common" for d in ("closed", "open") if f"{d}_common" in yamls]
    order += [y for y in yamls if y.startswith("closed_") and y not in order]
    order += [y for y in yamls if y.startswith("open_") and y not in order]
    for y in yamls:
        if y not in order:
            report.add(f"compliance_checker/training_{version}/{y}.yaml", "file", "not a common, closed_ or open_ file")
    for y in order:
        # a benchmark file's BEGIN defaults and POST meanings hold for that benchmark only: the
        # official checker runs the files of the log's benchmark, never another's
        before = (dict(state.defaults), dict(state.meaning))
        text = convert_yaml(version, os.path.join(cdir, y + ".yaml"), state, report, y == "common")
        if not y.endswith("common"):
            state.defaults, state.meaning = before
        with open(os.path.join(tmp, y + ".run"), "w") as f:
            f.write(text)
    rcps = {}
    for f in sorted(os.listdir(rdir)) if os.path.isdir(rdir) else []:
        if f.startswith("rcps_") and f.endswith(".json"):
            shutil.copyfile(os.path.join(rdir, f), os.path.join(tmp, "rcp", f))
            rcps[f[5:-5]] = f
    with open(os.path.join(tmp, "package.run"), "w") as f:
        f.write(package(version, order[1:], rcps))
    with open(os.path.join(tmp, "UNTRANSLATED"), "w") as f:
        f.write(f"# checks of training_{version} the converter could not translate ({len(report.items)})\n")
        for where, what, text in report.items:
            f.write(f"{where}: {what}: {text}\n")
    # the index a spec `use`s: every rule file of the round, in the order the checker enqueues
    name = os.path.basename(out.rstrip("/"))
    with open(tmp + ".run", "w") as f:
        f.write(
            f"# MLPerf Training v{short} (mlperf-logging ruleset {version}): every rule file, in the order the\n"
            "# official checker enqueues them. Each set's `when` selects the division and benchmark of a\n"
            "# run (at compile time) or of a log (in `repro verify`).\n"
            "# Generated by scripts/mlperf-rules-import.py. Do not edit.\n"
        )
        for y in order + ["package"]:
            f.write(f'use "{name}/{y}.run"\n')
    shutil.rmtree(out, ignore_errors=True)
    os.rename(tmp, out)
    os.replace(tmp + ".run", out.rstrip("/") + ".run")
    for where, what, text in report.items:
        print(f"warning: {where}: {what} not translated: {text}", file=sys.stderr)
    print(f"{out}: {len(order)} rule files, {len(rcps)} RCP tables, {len(report.items)} untranslated", file=sys.stderr)


if __name__ == "__main__":
    main()
