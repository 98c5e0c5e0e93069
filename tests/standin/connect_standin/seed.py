"""Deterministic seeds: ``demo`` (a small realistic organisation) and ``bench``
(large volumes for performance work).  Randomness comes only from
``random.Random`` seeded with the seed name, and times are relative to
``now`` (``seed_options["now"]``, Unix seconds, defaults to the current time).
"""

import random
import time
import uuid

from . import jobs, packages, schedules, system
from .model import AUDIT_ACTIONS, State, describe_user, label

DAY = 86400

# username, role, first name, last name, created (days ago), active (days ago), locked
PEOPLE = [
    ("admin", "administrator", "Ada", "Admin", 1100, 0, False),
    ("grace", "administrator", "Grace", "Hopper", 900, 3, False),
    ("alice", "publisher", "Alice", "Anders", 800, 1, False),
    ("bob", "publisher", "Bob", "Baker", 700, 2, False),
    ("carol", "publisher", "Carol", "Chen", 650, 5, False),
    ("dave", "publisher", "Dave", "Dawson", 1000, 20, False),  # leaving; owns the most content
    ("erin", "publisher", "Erin", "Evans", 60, 4, False),
    ("svc-deploy", "publisher", "Deploy", "Service", 500, 0, False),  # CI service account
    ("victor", "viewer", "Victor", "Vance", 600, 1, False),
    ("wendy", "viewer", "Wendy", "Wu", 400, 9, False),
    ("frank", "viewer", "Frank", "Fischer", 1200, 500, False),  # inactive (no licence seat)
    ("mallory", "viewer", "Mallory", "Moss", 500, 45, True),  # locked
]
# Extra names in StandIn.keys for the usual test roles.
ROLE_KEYS = {"admin": "admin", "publisher": "alice", "viewer": "victor", "locked": "mallory"}

GROUPS = [
    ("Data Science", ["alice", "bob", "carol", "dave"]),
    ("Finance", ["erin", "victor", "wendy"]),
    ("Platform Team", ["admin", "grace", "svc-deploy"]),
    ("Leadership", ["grace", "victor", "frank"]),
]
# The bench seed's extra groups are named "<region> <department> <team>" (2,080 names; a number follows beyond).
GROUP_REGIONS = ["EMEA", "APAC", "Americas", "Nordics", "DACH", "Iberia", "Benelux", "LATAM"]
GROUP_DEPARTMENTS = ["Finance", "Sales", "Marketing", "Engineering", "Data Science", "Operations", "HR", "Legal",
                     "Research", "Support", "Product", "Security", "Analytics", "Supply Chain", "Procurement", "Risk",
                     "Compliance", "Customer Success", "Clinical", "Actuarial"]
GROUP_TEAMS = ["Analysts", "Leads", "Reviewers", "Publishers", "Viewers", "Admins", "Interns", "Contractors",
               "Managers", "Modelers", "Reporting", "Platform", "On-call"]

# owner, name, title, app_mode, access_type, extra fields
DEMO_CONTENT = [
    ("dave", "quarterly-report", "Quarterly Report", "rmd-static", "acl", {}),
    ("dave", "sales-dashboard", "Sales Dashboard", "shiny", "logged_in",
     {"min_processes": 1, "max_processes": 5, "idle_timeout": 3600}),
    ("dave", "churn-model-api", "Churn Model API", "python-api", "acl", {}),
    ("dave", "inventory-forecast", "Inventory Forecast", "quarto-static", "logged_in", {}),
    ("dave", "etl-notebook", "Nightly ETL Notebook", "jupyter-static", "acl", {}),
    ("dave", "marketing-dash", "Marketing Dash", "python-dash", "all", {}),
    ("dave", "pricing-api", "Pricing API", "api", "acl", {"max_conns_per_process": 20}),
    ("dave", "ops-metrics", "Ops Metrics", "python-shiny", "logged_in", {}),
    ("dave", "customer-segments", "Customer Segments", "rmd-static", "acl", {"parameterized": True}),
    ("dave", "team-wiki", "Team Wiki", "quarto-static", "logged_in", {"content_category": "site"}),
    ("dave", "legacy-kpis", "Legacy KPIs", "shiny", "acl", {"description": "Superseded by the Sales Dashboard."}),
    ("dave", "data-dictionary", "Data Dictionary", "static", "all", {}),
    ("dave", "model-monitoring", "Model Monitoring", "python-streamlit", "acl", {"memory_limit": 2147483648}),
    ("dave", "weekly-sales-pin", "Weekly Sales Pin", "static", "acl", {"content_category": "pin"}),
    ("dave", "scratch-experiment", None, "unknown", "acl", {}),
    ("alice", "quarterly-report", "Quarterly Report (Alice)", "quarto-static", "acl", {}),
    ("alice", "forecasting-app", "Forecasting App", "shiny", "logged_in", {"load_factor": 0.5}),
    ("alice", "recommendation-api", "Recommendation API", "python-fastapi", "acl", {}),
    ("alice", "exploration", "Exploratory Analysis", "jupyter-static", "acl", {}),
    ("alice", "kpi-board", "KPI Board", "python-dash", "logged_in", {}),
    ("alice", "survey-results", "Survey Results", "rmd-static", "all", {}),
    ("alice", "geo-explorer", "Geo Explorer", "python-bokeh", "acl", {}),
    ("alice", "analytics-mcp", "Analytics MCP Server", "python-fastapi", "acl", {"content_category": "mcp"}),
    ("bob", "finance-dashboard", "Finance Dashboard", "shiny", "acl", {"read_timeout": 300}),
    ("bob", "budget-report", "Budget Report", "rmd-static", "acl", {}),
    ("bob", "expense-api", "Expense API", "api", "acl", {}),
    ("bob", "cash-flow", "Cash Flow Forecast", "quarto-shiny", "logged_in", {}),
    ("bob", "audit-trail", "Audit Trail Explorer", "python-streamlit", "acl", {}),
    ("bob", "fx-rates", "FX Rates", "static", "logged_in", {"content_category": "plot"}),
    ("carol", "hr-headcount", "HR Headcount", "rmd-shiny", "acl", {}),
    ("carol", "onboarding-guide", "Onboarding Guide", "quarto-static", "all", {}),
    ("carol", "attrition-model", "Attrition Model", "python-api", "acl", {}),
    ("carol", "diversity-report", "Diversity Report", "jupyter-static", "acl", {}),
    ("carol", "org-chart", "Org Chart", "python-panel", "logged_in", {}),
    ("erin", "invoice-matcher", "Invoice Matcher", "python-shiny", "acl", {}),
    ("erin", "ap-aging", "AP Aging Report", "rmd-static", "acl", {}),
    ("erin", "close-checklist", "Month-End Close Checklist", "quarto-static", "logged_in", {}),
    ("svc-deploy", "platform-status", "Platform Status", "python-fastapi", "all", {}),
    ("svc-deploy", "deploy-notes", "Deployment Notes", "quarto-static", "logged_in", {}),
    ("svc-deploy", "connect-usage", "Connect Usage Report", "rmd-static", "acl", {}),
]

# (owner, content name) -> [(principal, user|group, role)]
DEMO_ACL = {
    ("dave", "quarterly-report"): [("alice", "user", "owner"), ("victor", "user", "viewer"),
                                   ("Leadership", "group", "viewer")],
    ("dave", "sales-dashboard"): [("alice", "user", "owner"), ("Finance", "group", "viewer")],
    ("dave", "churn-model-api"): [("alice", "user", "owner"), ("bob", "user", "viewer")],
    ("dave", "pricing-api"): [("svc-deploy", "user", "owner")],
    ("dave", "legacy-kpis"): [("victor", "user", "viewer"), ("mallory", "user", "viewer")],
    ("dave", "etl-notebook"): [("Data Science", "group", "owner")],
    ("dave", "customer-segments"): [("Finance", "group", "viewer")],
    ("dave", "model-monitoring"): [("carol", "user", "owner")],
    ("alice", "recommendation-api"): [("bob", "user", "owner"), ("Data Science", "group", "viewer")],
    ("alice", "exploration"): [("carol", "user", "viewer")],
    ("bob", "finance-dashboard"): [("erin", "user", "owner"), ("Finance", "group", "viewer")],
    ("bob", "budget-report"): [("victor", "user", "viewer"), ("wendy", "user", "viewer")],
    ("bob", "expense-api"): [("erin", "user", "viewer")],
    ("carol", "hr-headcount"): [("Leadership", "group", "viewer")],
    ("carol", "attrition-model"): [("alice", "user", "viewer")],
    ("erin", "invoice-matcher"): [("bob", "user", "owner"), ("Finance", "group", "viewer")],
    ("erin", "ap-aging"): [("wendy", "user", "viewer")],
    ("svc-deploy", "connect-usage"): [("Platform Team", "group", "viewer"), ("grace", "user", "viewer")],
}

TAGS = {"Department": ["Finance", "Sales", "HR", "Operations"],
        "Lifecycle": ["Production", "Experimental", "Deprecated"]}
DEMO_TAGS = {
    ("dave", "sales-dashboard"): ["Sales", "Production"],
    ("dave", "quarterly-report"): ["Finance", "Production"],
    ("dave", "legacy-kpis"): ["Sales", "Deprecated"],
    ("dave", "churn-model-api"): ["Sales", "Experimental"],
    ("dave", "ops-metrics"): ["Operations"],
    ("dave", "model-monitoring"): ["Experimental"],
    ("bob", "finance-dashboard"): ["Finance", "Production"],
    ("bob", "budget-report"): ["Finance"],
    ("carol", "hr-headcount"): ["HR", "Production"],
    ("carol", "onboarding-guide"): ["HR"],
    ("erin", "invoice-matcher"): ["Finance", "Experimental"],
    ("svc-deploy", "platform-status"): ["Operations", "Production"],
}
VANITY = {"sales-dashboard": "/sales/", "finance-dashboard": "/finance/",
          "onboarding-guide": "/onboarding/", "platform-status": "/status/"}

R_VERSIONS = ["4.2.3", "4.3.2", "4.4.1"]
PY_VERSIONS = ["3.10.13", "3.11.7", "3.12.4"]
QUARTO_VERSIONS = ["1.4.550", "1.5.57"]
R_MODES = {"shiny", "rmd-static", "rmd-shiny", "api", "quarto-shiny"}
PY_MODES = {"python-api", "python-fastapi", "python-dash", "python-shiny", "python-streamlit",
            "python-bokeh", "python-panel", "jupyter-static"}
SHINY_MODES = {"shiny", "rmd-shiny", "quarto-shiny", "python-shiny"}
BENCH_MODES = ["shiny", "rmd-static", "quarto-static", "python-api", "jupyter-static",
               "python-dash", "api", "python-shiny", "static", "python-fastapi"]
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "python-requests/2.31.0",
    "curl/8.5.0",
]


def build(seed="demo", options=None):
    options = dict(options or {})
    now = int(options.pop("now", time.time()))
    builders = {"demo": _demo, "bench": _bench, "empty": _empty}
    if seed not in builders:
        raise ValueError(f"unknown seed {seed!r}; expected one of {sorted(builders)}")
    state = State(seed, now)
    package_rows = options.pop("packages", None) if seed == "bench" else None
    builders[seed](state, random.Random(seed), options)
    packages.seed(state, package_rows)
    jobs.seed(state)
    schedules.seed(state)
    system.seed(state)
    return state


def _people(state):
    now = state.now
    for username, role, first, last, created, active, locked in PEOPLE:
        state.add_user(username, role, first, last, locked=locked,
                       created=now - created * DAY, active=now - active * DAY - 3600)
    admin = state.user_by_username("admin")
    for name, members in GROUPS:
        state.add_group(name, admin["guid"], [state.user_by_username(m)["guid"] for m in members])


def _runtime(app_mode, rng):
    fields = {}
    if app_mode in R_MODES or (app_mode == "quarto-static" and rng.random() < 0.3):
        fields.update(r_version=rng.choice(R_VERSIONS), r_environment_management=True)
    if app_mode in PY_MODES or (app_mode == "quarto-static" and "r_version" not in fields):
        fields.update(py_version=rng.choice(PY_VERSIONS), py_environment_management=True)
    if app_mode.startswith("quarto"):
        fields["quarto_version"] = rng.choice(QUARTO_VERSIONS)
    if app_mode != "unknown":
        fields["cluster_name"] = "Local"
    return fields


def _deploy_fields(state, app_mode, rng, created):
    """bundle_id and last deployment time for an item created at `created`."""
    if app_mode == "unknown":
        return {"deployed": created}
    latest = max(created, state.now - rng.randint(0, 120) * DAY - rng.randint(0, DAY))
    return {"deployed": latest, "bundle_id": str(state.next_id("bundle"))}


def _empty(state, rng, options):
    """A fresh Connect: one administrator (``admin``) and nothing else."""
    if options:
        raise ValueError(f"the empty seed takes no options besides 'now': {sorted(options)}")
    admin = PEOPLE[0]
    state.add_user(admin[0], admin[1], admin[2], admin[3], created=state.now - DAY, active=state.now)


def _demo(state, rng, options):
    if options:
        raise ValueError(f"the demo seed takes no options besides 'now': {sorted(options)}")
    now = state.now
    _people(state)
    by_name = {u["username"]: u for u in state.users.values()}
    groups = {g["name"]: g for g in state.groups.values()}
    parents = {}
    tag_ids = {}
    for parent, children in TAGS.items():
        parents[parent] = state.add_tag(parent, created=now - 700 * DAY)
        for child in children:
            tag_ids[child] = state.add_tag(child, parents[parent]["id"], created=now - 690 * DAY)["id"]

    items = {}
    for index, (owner, name, title, app_mode, access, extra) in enumerate(DEMO_CONTENT):
        # A few items are recent, so the audit log shows their creation.
        created = now - (rng.randint(5, 80) if index % 9 == 4 else rng.randint(100, 900)) * DAY
        created -= rng.randint(0, DAY)
        fields = dict(_runtime(app_mode, rng), **extra)
        fields.update(_deploy_fields(state, app_mode, rng, created))
        deployed = fields.pop("deployed")
        item = state.add_content(name, by_name[owner]["guid"], created=created, deployed=deployed,
                                 title=title, app_mode=app_mode, access_type=access,
                                 description=extra.get("description", f"{title} maintained by {owner}." if title else ""),
                                 **{k: v for k, v in fields.items() if k != "description"})
        items[(owner, name)] = item
        for tag in DEMO_TAGS.get((owner, name), []):
            state.content_tags.setdefault(item["guid"], []).append(tag_ids[tag])
        if name in VANITY:
            state.vanity_urls[item["guid"]] = VANITY[name]
    for key, entries in DEMO_ACL.items():
        for principal, kind, role in entries:
            guid = by_name[principal]["guid"] if kind == "user" else groups[principal]["guid"]
            state.add_permission(items[key], guid, kind, role)

    _demo_audit(state, rng, by_name, list(items.values()))
    _usage(state, rng, list(items.values()), 1500, 3000)


def _demo_audit(state, rng, by_name, items):
    """About 3,000 entries over the last 90 days, oldest first."""
    now = state.now
    start = now - 90 * DAY
    active = [u for u in by_name.values() if not u["locked"] and u["username"] != "frank"]
    publishers = [u for u in active if u["user_role"] != "viewer"]
    admins = [u for u in active if u["user_role"] == "administrator"]
    events = []  # (time, user or None, action, description)
    for item in items:  # creations inside the window
        if item["created_time"] >= start:
            owner = state.users[item["owner_guid"]]
            events.append((item["created_time"], owner, "add_application", f"Added content {label(item)}"))
    erin = by_name["erin"]
    created = now - 60 * DAY
    events.append((created, None, "add_user", f"Added user {describe_user(erin)}"))
    events.append((created + 600, by_name["admin"], "add_group_member",
                   f"Added user {describe_user(erin)} to group Finance"))
    events.append((now - 45 * DAY, by_name["admin"], "lock_user", f"Locked user {describe_user(by_name['mallory'])}"))
    for n in range(8):
        gone = {"title": f"Old Prototype {n + 1}", "name": f"old-prototype-{n + 1}", "guid": _fake_guid(rng)}
        events.append((start + rng.randint(0, 89 * DAY), rng.choice(publishers), "remove_application",
                       f"Deleted content {label(gone)}"))
    deployed = [i for i in items if i["bundle_id"]]
    weights = [("user_login", 40), ("deploy_application", 30), ("edit_application", 10),
               ("add_application_permission", 5), ("remove_application_permission", 2), ("edit_user", 3),
               ("add_api_key", 3), ("edit_application_owner", 1)]
    actions = [a for a, w in weights]
    cumulative = [w for a, w in weights]
    while len(events) < 3000:
        when = start + rng.randint(0, 90 * DAY - 60)
        action = rng.choices(actions, cum_weights=_cumsum(cumulative))[0]
        item = rng.choice(deployed)
        owner = state.users[item["owner_guid"]]
        if action == "user_login":
            user = rng.choice(active)
            events.append((when, user, action, f"User {describe_user(user)} logged in"))
        elif action == "deploy_application":
            user = by_name["svc-deploy"] if rng.random() < 0.3 else owner
            events.append((when, user, action, f"Deployed bundle {rng.randint(1000, 9999)} to content {label(item)}"))
        elif action == "edit_application":
            fields = rng.choice(["title", "description", "access_type", "min_processes, max_processes"])
            events.append((when, owner, action, f"Updated content {label(item)}: {fields}"))
        elif action in ("add_application_permission", "remove_application_permission"):
            who = rng.choice(active)
            verb = "Added" if action.startswith("add") else "Removed"
            events.append((when, owner, action, f"{verb} user {describe_user(who)} as viewer of content {label(item)}"))
        elif action == "edit_user":
            who = rng.choice(active)
            events.append((when, rng.choice(admins), action, f"Edited user {describe_user(who)}"))
        elif action == "add_api_key":
            user = rng.choice(publishers)
            events.append((when, user, action, f"Created API key for {describe_user(user)}"))
        else:
            new_owner = rng.choice([p for p in publishers if p is not owner])
            events.append((when, rng.choice(admins), "edit_application",  # an owner change is an edit
                           f"Changed owner of content {label(item)} from {describe_user(owner)} to {describe_user(new_owner)}"))
    events.sort(key=lambda e: e[0])
    for when, user, action, description in events:
        state.record(user, action, description, when=when)


def _cumsum(values):
    total, out = 0, []
    for v in values:
        total += v
        out.append(total)
    return out


def _fake_guid(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _usage(state, rng, items, sessions, visits):
    """Shiny sessions and content visits over the last 60 days, oldest first."""
    now = state.now
    start = now - 60 * DAY
    shiny = [i for i in items if i["app_mode"] in SHINY_MODES]
    others = [i for i in items if i["app_mode"] not in SHINY_MODES and i["bundle_id"]]
    viewers = [u for u in state.users.values() if not u["locked"]]
    if shiny:
        starts = sorted(start + rng.randint(0, 60 * DAY - 3600) for session in range(sessions))
        for when in starts:
            item = rng.choice(shiny)
            user = None if item["access_type"] == "all" and rng.random() < 0.3 else rng.choice(viewers)
            state.shiny_usage.append({
                "id": state.next_id("usage"), "content_guid": item["guid"],
                "user_guid": user["guid"] if user else None,
                "started": when, "ended": when + rng.randint(30, 3600), "data_version": 1,
            })
    if others:
        times = sorted(start + rng.randint(0, 60 * DAY - 60) for visit in range(visits))
        for when in times:
            item = rng.choice(others)
            user = None if item["access_type"] == "all" and rng.random() < 0.3 else rng.choice(viewers)
            rendered = item["app_mode"] in ("rmd-static", "quarto-static", "jupyter-static")
            api = "api" in item["app_mode"]
            state.visits.append({
                "id": state.next_id("visit"), "content_guid": item["guid"],
                "user_guid": user["guid"] if user else None,
                "variant_key": f"v{item['id']:0>7}" if rendered else None,
                "rendering_id": str(int(item["id"]) * 10 + 1) if rendered else None,
                "bundle_id": item["bundle_id"], "time": when, "data_version": 3,
                "path": rng.choice(["/predict", "/health", "/docs"]) if api else "/",
                "user_agent": USER_AGENTS[2 if api else rng.randint(0, 1)],
            })


def _bench(state, rng, options):
    """Options: content (default 100, all owned by `owner`), audit (default
    1000), usage (default 1000 Shiny sessions and 1000 visits), owner
    (default "dave"), users (total number of users, default the 12 demo
    people; extra ones are user00013... with every 10th a publisher),
    groups (extra groups beside the 4 demo ones, default 0: "EMEA Finance
    Analysts"...; group k has 1 + k % 40 members drawn from every user).
    Of the audit entries, min(50, audit // 100) are the rare action
    ``remove_application`` (by admin), evenly spread; the rest cycle through
    user_login, deploy_application, edit_application, add_application_permission."""
    known = {"content", "audit", "usage", "owner", "users", "groups"}
    if set(options) - known:
        raise ValueError(f"unknown bench options {sorted(set(options) - known)}; expected {sorted(known)}")
    n_content = int(options.get("content", 100))
    n_audit = int(options.get("audit", 1000))
    n_usage = int(options.get("usage", 1000))
    now = state.now
    _people(state)
    for n in range(len(PEOPLE) + 1, int(options.get("users", 0)) + 1):
        state.add_user(f"user{n:05d}", "publisher" if n % 10 == 0 else "viewer", f"User{n:05d}", "Bench",
                       created=now - 300 * DAY, active=now - n % 200 * DAY)
    _bench_groups(state, int(options.get("groups", 0)))
    owner = state.user_by_username(options.get("owner", "dave"))
    if owner is None:
        raise ValueError(f"unknown owner {options.get('owner')!r}")
    access = ("acl", "logged_in", "all")
    for i in range(n_content):
        mode = BENCH_MODES[i % len(BENCH_MODES)]
        created = now - 400 * DAY + i * 3600 % (300 * DAY)
        state.add_content(f"bench-{i:05d}", owner["guid"], created=created, deployed=created + DAY,
                          title=f"Bench item {i}", app_mode=mode, access_type=access[i % 3],
                          bundle_id=str(state.next_id("bundle")), cluster_name="Local",
                          r_version="4.3.2" if mode in R_MODES else None,
                          py_version="3.11.7" if mode in PY_MODES else None)

    users = [u for u in state.users.values() if not u["locked"]]
    admin = state.user_by_username("admin")
    actors = [(state.user_ids[u["guid"]], u["guid"], describe_user(u)) for u in users]
    admin_actor = (state.user_ids[admin["guid"]], admin["guid"], describe_user(admin))
    items = list(state.content.values())
    labels = [label(item) for item in items]
    rare = min(50, n_audit // 100)
    rare_every = n_audit // rare if rare else 0
    common = ("user_login", "deploy_application", "edit_application", "add_application_permission")
    assert set(common) | {"remove_application"} <= set(AUDIT_ACTIONS)  # appended directly (record() checks the rest)
    templates = {"deploy_application": "Deployed bundle {bundle} to content {item}",
                 "edit_application": "Updated content {item}: description",
                 "add_application_permission": "Added user {user} as viewer of content {item}"}
    start, span = now - 90 * DAY, 90 * DAY - 60
    for i in range(n_audit):
        if rare and i % rare_every == rare_every // 2 and i // rare_every < rare:
            actor, action = admin_actor, "remove_application"
            description = f"Deleted content 'Retired {i}' (retired-{i}) [{_fake_guid(rng)}]"
        else:
            k = i * 7 % len(actors)
            actor, action = actors[k], common[i % 4]
            if action == "user_login" or not items:
                action, description = "user_login", f"User {actor[2]} logged in"
            else:
                j = i % len(items)
                description = templates[action].format(bundle=items[j]["bundle_id"], item=labels[j],
                                                       user=actors[(k + 1) % len(actors)][2])
        state.audit_logs.append({"id": state.next_id("audit"), "time": start + i * span // n_audit,
                                 "user_id": actor[0], "user_guid": actor[1], "user_description": actor[2],
                                 "action": action, "event_description": description})

    if items and n_usage:
        start, span = now - 60 * DAY, 60 * DAY - 3600
        for i in range(n_usage):
            when = start + i * span // n_usage
            item, user = items[i % len(items)], users[i % len(users)]
            state.shiny_usage.append({"id": state.next_id("usage"), "content_guid": item["guid"],
                                      "user_guid": user["guid"], "started": when,
                                      "ended": when + 60 + i % 600, "data_version": 1})
            state.visits.append({"id": state.next_id("visit"), "content_guid": item["guid"],
                                 "user_guid": user["guid"], "variant_key": None, "rendering_id": None,
                                 "bundle_id": item["bundle_id"], "time": when, "data_version": 3,
                                 "path": "/", "user_agent": USER_AGENTS[i % len(USER_AGENTS)]})


def _bench_groups(state, count):
    """`count` groups owned by admin, as _people adds the demo ones; members are sampled with a Random of their
    own, so the option leaves every other draw of the seed as it was."""
    rng = random.Random("bench-groups")
    guids = list(state.users)
    admin = state.user_by_username("admin")["guid"]
    shape = (len(GROUP_REGIONS), len(GROUP_DEPARTMENTS), len(GROUP_TEAMS))
    combinations = shape[0] * shape[1] * shape[2]
    for k in range(count):
        region, rest = divmod(k % combinations, shape[1] * shape[2])
        department, team = divmod(rest, shape[2])
        name = f"{GROUP_REGIONS[region]} {GROUP_DEPARTMENTS[department]} {GROUP_TEAMS[team]}"
        if k >= combinations:
            name += f" {k // combinations + 1}"
        state.add_group(name, admin, rng.sample(guids, min(len(guids), 1 + k % 40)))
