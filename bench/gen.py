#!/usr/bin/env python3
"""Build a reproducible benchmark package: a ZIP shaped like a software-upgrade delivery, with
secrets planted at known places and a manifest listing them.

    python3 bench/gen.py --size 50M [--seed 8] [--out DIR]

Writes DIR/bench-<size>-s<seed>.zip, DIR/bench-<size>-s<seed>.manifest.json and a .stamp file.
When the stamp matches (generator version, size, seed), nothing is rebuilt.

Everything is derived from the seed: the same seed and size give the same bytes (fixed
timestamps, entry order, permissions and compression level). Values that look like secrets
are random fakes. Standard library only.
"""

import argparse
import base64
import io
import json
import math
import os
import random
import string
import sys
import time
import zipfile
import zlib

# Bump when the content changes, so that cached packages are rebuilt.
GEN_VERSION = 6

# Every entry gets this timestamp: the ZIP must not depend on when it was built.
STAMP_TIME = (2026, 1, 15, 9, 30, 0)
LEVEL = 6

ALNUM = string.ascii_letters + string.digits
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
UPPER_B32 = string.ascii_uppercase + "234567"

# Filler words. None of them is a credential keyword (pass, secret, token, key, auth...), so
# the filler itself does not look like a place for a secret.
WORDS = """account order invoice payment customer session cache queue event report ledger
batch schedule tenant region cluster node shard replica index search catalog product price
discount cart checkout shipment carrier warehouse stock item user profile address contact
message notice template render layout widget panel chart metric gauge counter timer trace
span record stream topic channel partition offset commit retry backoff limit window bucket
quota usage billing plan subscription trial license module plugin feature flag rollout
release version build artifact bundle asset image thumbnail upload download export import
parser lexer format codec buffer reader writer handler router filter mapper reducer worker
pool thread task job runner executor dispatcher listener observer adapter proxy gateway
bridge client server service registry resolver locator factory builder manager controller
repository entity model view state store action reducer effect selector query mutation
field column table schema migration seed fixture sample dataset pipeline stage step graph
vertex edge path route network socket packet frame header body payload status result error
warning info debug audit journal archive snapshot backup restore sync merge split join
""".split()

TLDS = ["internal", "corp.example", "svc.cluster.local", "example.net", "lan"]
FIRST = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"]


def parse_size(text):
    """'50M' -> 50_000_000 (decimal units: the sizes are 'about', and decimal reads plainly)."""
    text = text.strip().upper()
    mult = {"K": 10**3, "M": 10**6, "G": 10**9}
    if text and text[-1] in mult:
        return int(float(text[:-1]) * mult[text[-1]])
    return int(text)


# ---------------------------------------------------------------------------------------------
# Small random helpers. Each file gets its own Random seeded from (seed, path), so a file's
# bytes do not depend on the order in which the others were made.


def rand_str(rng, alphabet, n):
    return "".join(rng.choices(alphabet, k=n))


# The words a file draws its names from. A real file reuses a few dozen names over and over;
# render_text narrows this to a small per-file set, which also gives real compression ratios.
_W = WORDS


def camel(rng, n=2):
    w = rng.choices(_W, k=n)
    return w[0] + "".join(x.capitalize() for x in w[1:])


def pascal(rng, n=2):
    return "".join(x.capitalize() for x in rng.choices(_W, k=n))


def snake(rng, n=2):
    return "_".join(rng.choices(_W, k=n))


def words(rng, n):
    return " ".join(rng.choices(_W, k=n))


def host(rng):
    return f"{rng.choice(WORDS)}-{rng.randint(1, 9):02d}.{rng.choice(TLDS)}"


def ip(rng):
    return f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def hexid(rng, n=16):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def uuid(rng):
    h = hexid(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


# ---------------------------------------------------------------------------------------------
# Fake secret values, in the formats the providers document.


def base62(n, width):
    out = ""
    while n:
        n, r = divmod(n, 62)
        out = (string.digits + string.ascii_letters)[r] + out
    return out.rjust(width, "0")


def v_github(rng):
    # Classic tokens end with a CRC32 of the random part (base62, 6 characters).
    body = rand_str(rng, ALNUM, 30)
    return "ghp_" + body + base62(zlib.crc32(body.encode()), 6)


def v_github_pat(rng):
    return "github_pat_" + rand_str(rng, ALNUM, 22) + "_" + rand_str(rng, ALNUM, 59)


def v_aws_id(rng):
    return "AKIA" + rand_str(rng, UPPER_B32, 16)


def v_aws_secret(rng):
    return rand_str(rng, B64, 40)


def v_slack_bot(rng):
    return f"xoxb-{rng.randint(10**10, 10**12)}-{rng.randint(10**12, 10**13)}-{rand_str(rng, ALNUM, 24)}"


def v_slack_webhook(rng):
    return (f"https://hooks.slack.com/services/T{rand_str(rng, string.ascii_uppercase + string.digits, 10)}"
            f"/B{rand_str(rng, string.ascii_uppercase + string.digits, 10)}/{rand_str(rng, ALNUM, 24)}")


def v_stripe(rng):
    return "sk_live_" + rand_str(rng, ALNUM, rng.choice([24, 99]))


def v_google(rng):
    return "AIza" + rand_str(rng, URLSAFE, 35)


def v_sendgrid(rng):
    return "SG." + rand_str(rng, URLSAFE, 22) + "." + rand_str(rng, URLSAFE, 43)


def v_npm(rng):
    return "npm_" + rand_str(rng, ALNUM, 36)


def v_gitlab(rng):
    return "glpat-" + rand_str(rng, URLSAFE, 20)


def v_hexkey(rng):
    return hexid(rng, 32)


def v_apikey(rng):
    return rand_str(rng, ALNUM, 40)


def v_password(rng):
    # Looks chosen by a person or a password manager: mixed classes, no quoting characters,
    # and a letter first (in YAML a leading * or ! would make an alias or a tag, in a systemd
    # unit a % is a specifier).
    parts = [rand_str(rng, ALNUM, rng.randint(9, 15)), rng.choice("!#%*-_.@^~+"), rand_str(rng, string.digits, 2)]
    rng.shuffle(parts)
    return rng.choice(string.ascii_letters) + "".join(parts)


def v_url_password(rng):
    return rand_str(rng, ALNUM, rng.randint(12, 20)) + rng.choice(["-", "_", "."]) + rand_str(rng, ALNUM, 4)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def v_jwt(rng):
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = {"sub": uuid(rng), "iss": f"https://{host(rng)}", "scope": " ".join(rng.sample(WORDS, 3)),
            "iat": 1767225600 + rng.randint(0, 10**7)}
    body["exp"] = body["iat"] + 86400 * 365
    return f"{head}.{b64url(json.dumps(body, separators=(',', ':')).encode())}.{b64url(rng.randbytes(32))}"


def v_azure(rng):
    name = snake(rng, 1) + str(rng.randint(10, 99)) + "store"
    key = base64.b64encode(rng.randbytes(64)).decode()
    return f"DefaultEndpointsProtocol=https;AccountName={name};AccountKey={key};EndpointSuffix=core.windows.net"


def v_basic(rng):
    return base64.b64encode(f"{rng.choice(FIRST)}:{v_password(rng)}".encode()).decode()


PEM_KINDS = [
    # (label, DER prefix, body length, line width)
    ("RSA PRIVATE KEY", bytes.fromhex("308204a40201000282010100"), 1192, 64),
    ("PRIVATE KEY", bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8"), 1218, 64),
    ("EC PRIVATE KEY", bytes.fromhex("307702010104"), 121, 64),
    ("OPENSSH PRIVATE KEY", b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none", 400, 70),
]


def pem_lines(rng, label=None):
    label, prefix, n, width = rng.choice(PEM_KINDS) if label is None else next(p for p in PEM_KINDS if p[0] == label)
    body = base64.b64encode(prefix + rng.randbytes(n - len(prefix))).decode()
    return [f"-----BEGIN {label}-----"] + [body[i:i + width] for i in range(0, len(body), width)] + [f"-----END {label}-----"]


def cert_lines(rng):
    body = base64.b64encode(bytes.fromhex("308203") + rng.randbytes(880)).decode()
    return ["-----BEGIN CERTIFICATE-----"] + [body[i:i + 64] for i in range(0, len(body), 64)] + ["-----END CERTIFICATE-----"]


# ---------------------------------------------------------------------------------------------
# Planted snippets. Each returns (lines, plants) where plants are (index into lines, kind) and,
# for key blocks, (first index, kind, last index). Grouped by the syntax of the host file.


def conn_url(rng, scheme=None):
    scheme = scheme or rng.choice(["postgres", "postgresql", "mysql", "mongodb", "amqp", "redis"])
    port = {"postgres": 5432, "postgresql": 5432, "mysql": 3306, "mongodb": 27017, "amqp": 5672, "redis": 6379}[scheme]
    user = "" if scheme == "redis" else rng.choice(["app", "svc_" + rng.choice(WORDS), "admin", "etl"])
    return f"{scheme}://{user}:{v_url_password(rng)}@{host(rng)}:{port}/{rng.choice(WORDS)}"


def jdbc_url(rng):
    return f"jdbc:mysql://{host(rng)}:3306/{rng.choice(WORDS)}?user=svc_{rng.choice(WORDS)}&password={v_url_password(rng)}&useSSL=true"


def S(*pairs):
    """Build a snippet from (text, kind or None) pairs; a kind may be a tuple of kinds."""
    lines, plants = [], []
    for text, kinds in pairs:
        if kinds:
            for k in (kinds if isinstance(kinds, tuple) else (kinds,)):
                plants.append((len(lines), k))
        lines.append(text)
    return lines, plants


def pem_snippet(rng, indent="", before=(), after=()):
    block = pem_lines(rng)
    lines = list(before) + [indent + x for x in block] + list(after)
    first = len(before)
    return lines, [(first, "private-key", first + len(block) - 1)]


SNIPPETS = {
    "aws-pair": {
        "ini": lambda r: S((f"[profile {snake(r, 1)}-deploy]", None), (f"aws_access_key_id = {v_aws_id(r)}", "aws-access-key-id"),
                           (f"aws_secret_access_key = {v_aws_secret(r)}", "aws-secret-access-key"), (f"region = eu-west-{r.randint(1, 3)}", None)),
        "env": lambda r: S((f"AWS_ACCESS_KEY_ID={v_aws_id(r)}", "aws-access-key-id"), (f"AWS_SECRET_ACCESS_KEY={v_aws_secret(r)}", "aws-secret-access-key")),
        "properties": lambda r: S((f"cloud.aws.credentials.access-key={v_aws_id(r)}", "aws-access-key-id"),
                                  (f"cloud.aws.credentials.secret-key={v_aws_secret(r)}", "aws-secret-access-key")),
        "yaml": lambda r: S(("aws:", None), (f"  access_key_id: {v_aws_id(r)}", "aws-access-key-id"),
                            (f"  secret_access_key: {v_aws_secret(r)}", "aws-secret-access-key"), (f"  bucket: {snake(r)}", None)),
        "java": lambda r: S((f'    private static final AWSCredentials {snake(r).upper()} = new BasicAWSCredentials("{v_aws_id(r)}", "{v_aws_secret(r)}");',
                             ("aws-access-key-id", "aws-secret-access-key")),),
        "py": lambda r: S((f's3 = boto3.client("s3", aws_access_key_id="{v_aws_id(r)}", aws_secret_access_key="{v_aws_secret(r)}")',
                           ("aws-access-key-id", "aws-secret-access-key")),),
        "sh": lambda r: S((f"export AWS_ACCESS_KEY_ID={v_aws_id(r)}", "aws-access-key-id"), (f"export AWS_SECRET_ACCESS_KEY={v_aws_secret(r)}", "aws-secret-access-key")),
    },
    "github-token": {
        "sh": lambda r: S((f"export GITHUB_TOKEN={v_github(r)}", "github-token"),),
        "yaml": lambda r: S((f"github_token: {v_github(r)}", "github-token"),),
        "py": lambda r: S((f'GITHUB_TOKEN = "{v_github(r)}"', "github-token"),),
        "js": lambda r: S((f'const octokit = new Octokit({{ auth: "{v_github(r)}" }});', "github-token"),),
        "env": lambda r: S((f"GH_TOKEN={v_github(r)}", "github-token"),),
        "go": lambda r: S((f'const releaseToken = "{v_github(r)}"', "github-token"),),
        "log": lambda r: S((f"2026-03-02 04:11:09,112 INFO  [release-sync] git clone https://x-access-token:{v_github(r)}@github.com/acme/{r.choice(WORDS)}.git", "github-token"),),
    },
    "github-fine-grained-pat": {
        "env": lambda r: S((f"GITHUB_PAT={v_github_pat(r)}", "github-fine-grained-pat"),),
        "yaml": lambda r: S(("github:", None), (f"  pat: {v_github_pat(r)}", "github-fine-grained-pat")),
        "toml": lambda r: S((f"[github.{r.choice(WORDS)}]", None), (f'token = "{v_github_pat(r)}"', "github-fine-grained-pat")),
        "sh": lambda r: S((f'curl -fsSL -H "Authorization: token {v_github_pat(r)}" https://api.github.com/repos/acme/{r.choice(WORDS)}/releases', "github-fine-grained-pat"),),
    },
    "slack-bot-token": {
        "py": lambda r: S((f'slack = WebClient(token="{v_slack_bot(r)}")', "slack-bot-token"),),
        "yaml": lambda r: S(("slack:", None), (f"  bot_token: {v_slack_bot(r)}", "slack-bot-token"), (f"  channel: '#{r.choice(WORDS)}-alerts'", None)),
        "env": lambda r: S((f"SLACK_BOT_TOKEN={v_slack_bot(r)}", "slack-bot-token"),),
        "js": lambda r: S((f"const slack = new WebClient('{v_slack_bot(r)}');", "slack-bot-token"),),
        "json": lambda r: S((f'  "slackToken": "{v_slack_bot(r)}",', "slack-bot-token"),),
    },
    "slack-webhook": {
        "yaml": lambda r: S((f"alert_webhook_url: {v_slack_webhook(r)}", "slack-webhook"),),
        "sh": lambda r: S((f"curl -fsS -X POST -H 'Content-type: application/json' --data \"$MSG\" {v_slack_webhook(r)}", "slack-webhook"),),
        "properties": lambda r: S((f"notify.slack.webhook={v_slack_webhook(r)}", "slack-webhook"),),
        "json": lambda r: S((f'  "webhookUrl": "{v_slack_webhook(r)}",', "slack-webhook"),),
    },
    "stripe-secret-key": {
        "env": lambda r: S((f"STRIPE_SECRET_KEY={v_stripe(r)}", "stripe-secret-key"),),
        "py": lambda r: S((f'stripe.api_key = "{v_stripe(r)}"', "stripe-secret-key"),),
        "js": lambda r: S((f'const stripe = require("stripe")("{v_stripe(r)}");', "stripe-secret-key"),),
        "properties": lambda r: S((f"payments.stripe.api-key={v_stripe(r)}", "stripe-secret-key"),),
        "minjs": lambda r: S((f'var Stp=Stripe("{v_stripe(r)}");', "stripe-secret-key"),),
    },
    "private-key": {
        "pemkey": lambda r: pem_snippet(r),
        "yaml": lambda r: pem_snippet(r, "    ", before=["tls:", f"  cert_file: /etc/{r.choice(WORDS)}/tls.crt", "  key: |"]),
        "sh": lambda r: pem_snippet(r, "", before=[f"cat > /etc/ssl/private/{r.choice(WORDS)}.key <<'EOF'"], after=["EOF"]),
    },
    "jwt": {
        "log": lambda r: S((f"2026-03-02 10:{r.randint(10, 59)}:{r.randint(10, 59)},{r.randint(100, 999)} DEBUG [http-nio-8080-exec-{r.randint(1, 20)}] o.a.c.h.Http11Processor - Authorization: Bearer {v_jwt(r)}", "jwt"),),
        "js": lambda r: S((f'const SERVICE_JWT = "{v_jwt(r)}";', "jwt"),),
        "sh": lambda r: S((f'curl -fsS -H "Authorization: Bearer {v_jwt(r)}" https://{host(r)}/api/v1/{r.choice(WORDS)}', "jwt"),),
        "properties": lambda r: S((f"integration.{r.choice(WORDS)}.bearer={v_jwt(r)}", "jwt"),),
        "minjs": lambda r: S((f'var Jt="{v_jwt(r)}";', "jwt"),),
    },
    "connection-string": {
        "properties": lambda r: S((f"spring.datasource.url={jdbc_url(r)}", "connection-string"),),
        "yaml": lambda r: S(("database:", None), (f"  url: {conn_url(r, 'postgres')}", "connection-string"), ("  pool: 20", None)),
        "env": lambda r: S((f"DATABASE_URL={conn_url(r)}", "connection-string"),),
        "py": lambda r: S((f'SQLALCHEMY_DATABASE_URI = "{conn_url(r, "postgresql")}"', "connection-string"),),
        "go": lambda r: S((f'var dsn = "{conn_url(r, "postgres")}?sslmode=require"', "connection-string"),),
        "log": lambda r: S((f"2026-03-01 23:{r.randint(10, 59)}:{r.randint(10, 59)},{r.randint(100, 999)} INFO  [main] c.a.db.Pool - connecting to {conn_url(r, 'mongodb')}", "connection-string"),),
        "java": lambda r: S((f'    private static final String JDBC_URL = "{jdbc_url(r)}";', "connection-string"),),
        "toml": lambda r: S((f"[cache.{r.choice(WORDS)}]", None), (f'url = "{conn_url(r, "redis")}"', "connection-string")),
        "sh": lambda r: S((f'psql "{conn_url(r, "postgresql")}" -v ON_ERROR_STOP=1 -f /opt/acme/sql/{r.choice(WORDS)}.sql', "connection-string"),),
        "cron": lambda r: S((f'15 3 * * * postgres pg_dump "{conn_url(r, "postgres")}" | gzip > /var/backups/{r.choice(WORDS)}.sql.gz', "connection-string"),),
        "systemd": lambda r: S((f"Environment=AMQP_URL={conn_url(r, 'amqp')}", "connection-string"),),
    },
    "password": {
        "properties": lambda r: S((f"{r.choice(WORDS)}.datasource.password={v_password(r)}", "password"),),
        "ini": lambda r: S(("[database]", None), (f"host = {host(r)}", None), (f"user = {r.choice(WORDS)}", None), (f"password = {v_password(r)}", "password")),
        "yaml": lambda r: S((f"{r.choice(WORDS)}_db:", None), (f"  username: svc_{r.choice(WORDS)}", None), (f"  password: {v_password(r)}", "password")),
        "toml": lambda r: S((f"[db.{r.choice(WORDS)}]", None), (f'user = "{r.choice(WORDS)}"', None), (f'password = "{v_password(r)}"', "password")),
        "json": lambda r: S((f'  "dbPassword": "{v_password(r)}",', "password"),),
        "xml": lambda r: S(("  <server>", None), (f"    <id>{r.choice(WORDS)}-releases</id>", None), (f"    <username>deploy</username>", None),
                           (f"    <password>{v_password(r)}</password>", "password"), ("  </server>", None)),
        "env": lambda r: S((f"DB_PASSWORD={v_password(r)}", "password"),),
        "java": lambda r: S((f'    private static final String DB_PASSWORD = "{v_password(r)}";', "password"),),
        "sql": lambda r: S((f"CREATE USER svc_{r.choice(WORDS)} WITH PASSWORD '{v_password(r)}';", "password"),),
        "systemd": lambda r: S((f"Environment=DB_PASSWORD={v_password(r)}", "password"),),
        "sh": lambda r: S((f"PGPASSWORD='{v_password(r)}' psql -h {host(r)} -U {r.choice(WORDS)} -c 'select 1'", "password"),),
        "py": lambda r: S((f'DB_PASSWORD = "{v_password(r)}"', "password"),),
    },
    "google-api-key": {
        "js": lambda r: S((f'const mapsApiKey = "{v_google(r)}";', "google-api-key"),),
        "minjs": lambda r: S((f'var Fb={{apiKey:"{v_google(r)}",authDomain:"{r.choice(WORDS)}-prod.firebaseapp.com"}};', "google-api-key"),),
        "json": lambda r: S((f'  "googleMapsKey": "{v_google(r)}",', "google-api-key"),),
        "yaml": lambda r: S(("maps:", None), (f"  api_key: {v_google(r)}", "google-api-key")),
        "xml": lambda r: S((f'  <string name="google_maps_key">{v_google(r)}</string>', "google-api-key"),),
        "py": lambda r: S((f'GOOGLE_API_KEY = "{v_google(r)}"', "google-api-key"),),
    },
    "generic-api-key": {
        "py": lambda r: S((f'API_KEY = "{v_hexkey(r)}"', "generic-api-key"),),
        "js": lambda r: S((f"const apiKey = '{v_apikey(r)}';", "generic-api-key"),),
        "yaml": lambda r: S((f"{r.choice(WORDS)}_api_key: {v_apikey(r)}", "generic-api-key"),),
        "properties": lambda r: S((f"{r.choice(WORDS)}.gateway.api-key={v_hexkey(r)}", "generic-api-key"),),
        "go": lambda r: S((f'\tapiKey := "{v_apikey(r)}"', "generic-api-key"),),
        "ini": lambda r: S((f"[{r.choice(WORDS)}]", None), (f"api_key = {v_hexkey(r)}", "generic-api-key")),
    },
    "sendgrid-api-key": {
        "env": lambda r: S((f"SENDGRID_API_KEY={v_sendgrid(r)}", "sendgrid-api-key"),),
        "py": lambda r: S((f'sg = SendGridAPIClient("{v_sendgrid(r)}")', "sendgrid-api-key"),),
        "yaml": lambda r: S(("mail:", None), (f"  sendgrid_key: {v_sendgrid(r)}", "sendgrid-api-key")),
    },
    "npm-token": {
        "npmrc": lambda r: S((f"//registry.npmjs.org/:_authToken={v_npm(r)}", "npm-token"),),
        "sh": lambda r: S((f"echo \"//registry.npmjs.org/:_authToken={v_npm(r)}\" > ~/.npmrc", "npm-token"),),
        "env": lambda r: S((f"NPM_TOKEN={v_npm(r)}", "npm-token"),),
    },
    "gitlab-token": {
        "env": lambda r: S((f"GITLAB_TOKEN={v_gitlab(r)}", "gitlab-token"),),
        "sh": lambda r: S((f'curl -fsS --header "PRIVATE-TOKEN: {v_gitlab(r)}" https://gitlab.{r.choice(TLDS)}/api/v4/projects', "gitlab-token"),),
        "yaml": lambda r: S((f"gitlab_token: {v_gitlab(r)}", "gitlab-token"),),
    },
    "azure-storage-key": {
        "properties": lambda r: S((f"azure.storage.connection-string={v_azure(r)}", "azure-storage-key"),),
        "env": lambda r: S((f"AZURE_STORAGE_CONNECTION_STRING={v_azure(r)}", "azure-storage-key"),),
        "json": lambda r: S((f'  "StorageConnectionString": "{v_azure(r)}",', "azure-storage-key"),),
    },
    "basic-auth": {
        "sh": lambda r: S((f"curl -fsS -u {r.choice(FIRST)}:{v_url_password(r)} https://{host(r)}/artifactory/api/{r.choice(WORDS)}", "basic-auth"),),
        "cron": lambda r: S((f"*/30 * * * * root curl -fsS -u backup:{v_url_password(r)} https://{host(r)}/{r.choice(WORDS)}/trigger >/dev/null", "basic-auth"),),
        "log": lambda r: S((f"2026-03-02 08:{r.randint(10, 59)}:{r.randint(10, 59)},{r.randint(100, 999)} DEBUG [wire] >> \"Authorization: Basic {v_basic(r)}\"", "basic-auth"),),
    },
}


# ---------------------------------------------------------------------------------------------
# Filler. Each generator returns (chunks, slots): text chunks that end with a newline (minified
# JS excepted), and the chunk indexes before which a snippet may go without breaking the syntax.


def fill(rng, target, make):
    out, n = [], 0
    while n < target:
        c = make(rng)
        out.append(c)
        n += len(c)
    return out


def java_method(r):
    t, n, f = pascal(r), camel(r), camel(r)
    k = r.randrange(4)
    if k == 0:
        return (f"    /**\n     * Returns the {words(r, 2)} for the given {words(r, 1)}.\n     */\n"
                f"    public {t} get{pascal(r)}({pascal(r)} {n}) {{\n        if ({n} == null) {{\n"
                f"            throw new IllegalArgumentException(\"{words(r, 4)}\");\n        }}\n"
                f"        {t} result = this.{f}.{camel(r)}({n}, {r.randint(0, 5000)});\n"
                f"        LOG.debug(\"{words(r, 3)} {{}}\", result);\n        return result;\n    }}\n\n")
    if k == 1:
        return (f"    @Override\n    public void {camel(r)}(List<{t}> {n}s) {{\n        for ({t} {n} : {n}s) {{\n"
                f"            if ({n}.is{pascal(r)}()) {{\n                {f}.put({n}.getId(), {n});\n            }} else {{\n"
                f"                {camel(r)}Count.incrementAndGet();\n            }}\n        }}\n    }}\n\n")
    if k == 2:
        return (f"    private final Map<String, {t}> {f} = new ConcurrentHashMap<>({r.choice([16, 64, 256])});\n"
                f"    private static final int {snake(r).upper()} = {r.randint(1, 100000)};\n\n")
    return (f"    @Transactional\n    public {t} {camel(r)}(long id, {pascal(r)} request) {{\n"
            f"        {t} entity = repository.findById(id).orElseThrow(() -> new NotFoundException(\"{words(r, 2)} \" + id));\n"
            f"        entity.set{pascal(r)}(request.get{pascal(r)}());\n        entity.setUpdatedAt(Instant.now());\n"
            f"        return repository.save(entity);\n    }}\n\n")


def gen_java(r, target, path):
    pkg = "com.acme." + ".".join(r.sample(WORDS, 2))
    head = [f"package {pkg};\n\n", "".join(f"import {x};\n" for x in r.sample(
        ["java.util.List", "java.util.Map", "java.time.Instant", "java.util.concurrent.ConcurrentHashMap",
         "org.slf4j.Logger", "org.slf4j.LoggerFactory", "org.springframework.stereotype.Service",
         "org.springframework.transaction.annotation.Transactional", "java.util.Optional"], 6)) + "\n",
            f"@Service\npublic class {pascal(r)}Service {{\n    private static final Logger LOG = LoggerFactory.getLogger({pascal(r)}Service.class);\n\n"]
    body = fill(r, target, java_method)
    return head + body + ["}\n"], range(len(head), len(head) + len(body) + 1)


def js_fn(r):
    n, a = camel(r), camel(r, 1)
    if r.random() < 0.5:
        return (f"export async function {n}({a}, options = {{}}) {{\n  const res = await fetch(`${{BASE}}/{r.choice(WORDS)}/${{{a}.id}}`, {{\n"
                f"    method: '{r.choice(['GET', 'POST', 'PUT'])}',\n    headers: {{ 'content-type': 'application/json' }},\n  }});\n"
                f"  if (!res.ok) throw new Error('{words(r, 3)} ' + res.status);\n  return (await res.json()).{camel(r)};\n}}\n\n")
    return (f"function {n}(items) {{\n  return items\n    .filter((x) => x.{camel(r)} > {r.randint(0, 999)})\n"
            f"    .map((x) => ({{ ...x, {camel(r)}: x.{camel(r)} ?? '{r.choice(WORDS)}' }}));\n}}\n\n")


def gen_js(r, target, path):
    head = [f"import {{ {camel(r)} }} from './{r.choice(WORDS)}.js';\n\nconst BASE = '/api/v{r.randint(1, 3)}';\n\n"]
    body = fill(r, target, js_fn)
    return head + body, range(1, len(body) + 2)


def go_fn(r):
    t, n = pascal(r), camel(r)
    return (f"// {pascal(r)} {words(r, 6)}.\nfunc (s *{t}Store) {pascal(r)}(ctx context.Context, id int64) (*{t}, error) {{\n"
            f"\trow := s.db.QueryRowContext(ctx, `SELECT id, {snake(r)}, {snake(r)} FROM {snake(r)} WHERE id = $1`, id)\n"
            f"\tvar {n} {t}\n\tif err := row.Scan(&{n}.ID, &{n}.{pascal(r)}, &{n}.{pascal(r)}); err != nil {{\n"
            f"\t\treturn nil, fmt.Errorf(\"{words(r, 3)}: %w\", err)\n\t}}\n\treturn &{n}, nil\n}}\n\n")


def gen_go(r, target, path):
    head = [f"package {r.choice(WORDS)}\n\nimport (\n\t\"context\"\n\t\"fmt\"\n)\n\n"]
    body = fill(r, target, go_fn)
    return head + body, range(1, len(body) + 2)


def py_fn(r):
    n, a = snake(r), r.choice(WORDS)
    return (f"def {n}({a}, limit={r.randint(1, 500)}):\n    \"\"\"{words(r, 7).capitalize()}.\"\"\"\n    result = []\n"
            f"    for item in {a}.{snake(r)}()[:limit]:\n        if item.{snake(r)} is None:\n            continue\n"
            f"        result.append({{\"{r.choice(WORDS)}\": item.{r.choice(WORDS)}, \"{r.choice(WORDS)}\": {r.random():.4f}}})\n"
            f"    log.info(\"{words(r, 3)} %d\", len(result))\n    return result\n\n\n")


def gen_py(r, target, path):
    head = [f"#!/usr/bin/env python3\n\"\"\"{words(r, 6).capitalize()}.\"\"\"\nimport logging\nimport os\n\nlog = logging.getLogger(__name__)\n\n\n"]
    body = fill(r, target, py_fn)
    return head + body, range(1, len(body) + 1)


def sh_fn(r):
    n = snake(r)
    return (f"{n}() {{\n  local dir=\"${{1:-/opt/acme/{r.choice(WORDS)}}}\"\n  if [ ! -d \"$dir\" ]; then\n"
            f"    echo \"{words(r, 4)}: $dir\" >&2\n    return 1\n  fi\n  find \"$dir\" -name '*.{r.choice(['log', 'tmp', 'pid'])}' -mtime +{r.randint(1, 30)} -delete\n"
            f"  systemctl restart acme-{r.choice(WORDS)}.service\n}}\n\n")


def gen_sh(r, target, path):
    head = ["#!/bin/bash\n", f"# {words(r, 8)}\nset -euo pipefail\n\n"]
    body = fill(r, target, sh_fn)
    return head + body + [f"{snake(r)} \"$@\"\n"], range(2, len(head) + len(body) + 1)


MIN_TOKENS = ["function(", "return ", "var ", "this.", ".prototype.", "void 0", "null", "!0", "!1", "===", "&&", "||", "=>", "new "]


def minjs_seg(r):
    # One minified statement: short names, no spaces, many distinct literals.
    a, b, c = rand_str(r, string.ascii_letters, 1), rand_str(r, string.ascii_letters, 2), rand_str(r, string.ascii_letters, 1)
    k = r.randrange(3)
    if k == 0:
        return f"function {b}({a},{c}){{var n={a}.{camel(r)}||{{}};return n.{camel(r)}={c},{a}.{camel(r)}(n,{r.randint(0, 9999)})}}"
    if k == 1:
        return f"{b}.prototype.{camel(r)}=function({a}){{return this.{camel(r)}!==void 0&&{a}.{camel(r)}(\"{r.choice(WORDS)}-{hexid(r, 6)}\")}};"
    return f"var {b}={{{camel(r)}:{r.randint(0, 99999)},{camel(r)}:\"{words(r, 2)}\",{camel(r)}:!{r.randint(0, 1)}}};"


def gen_minjs(r, target, path):
    # A few very long lines (a bundle with a licence comment and a source map reference).
    chunks, n = [f"/*! {r.choice(WORDS)}-bundle v{r.randint(1, 9)}.{r.randint(0, 30)}.0 | MIT */\n"], 0
    line_len, line_target = 0, r.randint(200_000, 2_000_000)
    while n < target:
        s = minjs_seg(r)
        line_len += len(s)
        if line_len > line_target:
            s += "\n"
            line_len = 0
        chunks.append(s)
        n += len(s)
    chunks.append(f"\n//# sourceMappingURL={r.choice(WORDS)}.min.js.map\n")
    return chunks, range(2, len(chunks) - 1)


LOG_MSGS = [
    lambda r: f"Completed {r.choice(['GET', 'POST', 'PUT'])} /api/v1/{r.choice(WORDS)}/{r.randint(1, 99999)} in {r.randint(1, 900)} ms status={r.choice([200, 200, 200, 201, 204, 404, 500])}",
    lambda r: f"{pascal(r)}Service - processed {r.randint(1, 5000)} {r.choice(WORDS)} records for tenant {hexid(r, 8)}",
    lambda r: f"cache {r.choice(['hit', 'miss'])} for {r.choice(WORDS)}:{hexid(r, 12)} (size={r.randint(1, 10**6)})",
    lambda r: f"Scheduled task {camel(r)} finished, next run at 2026-03-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:00:00Z",
    lambda r: f"connection from {ip(r)}:{r.randint(1024, 65535)} accepted, active={r.randint(1, 400)}",
    lambda r: f"Retrying {r.choice(WORDS)} call to {host(r)} (attempt {r.randint(1, 5)}/5): java.net.SocketTimeoutException: Read timed out",
    lambda r: f"GC pause (G1 Evacuation Pause) {r.randint(1, 300)}ms heap {r.randint(100, 4000)}M->{r.randint(100, 4000)}M",
]


def gen_log(r, target, path):
    # One line at a time: timestamps go forward, ids vary, like a real service log.
    t = r.randint(0, 86400 * 20)
    out, n, chunk = [], 0, []
    levels = ["INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"]
    while n < target:
        t += r.randint(0, 3)
        d, s = divmod(t, 86400)
        line = (f"2026-03-{1 + d % 28:02d} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d},{r.randint(0, 999):03d} "
                f"{r.choice(levels)} [{r.choice(['main', 'scheduler-1', 'http-nio-8080-exec-' + str(r.randint(1, 40))])}] "
                f"{r.choice(LOG_MSGS)(r)}\n")
        chunk.append(line)
        n += len(line)
        if len(chunk) == 64:
            out.append("".join(chunk))
            chunk = []
        if r.random() < 0.002:
            tb = f"java.lang.IllegalStateException: {words(r, 4)}\n" + "".join(
                f"\tat com.acme.{r.choice(WORDS)}.{pascal(r)}.{camel(r)}({pascal(r)}.java:{r.randint(10, 900)})\n" for _ in range(r.randint(5, 25)))
            chunk.append(tb)
            n += len(tb)
    out.append("".join(chunk))
    return out, range(0, len(out) + 1)


def gen_sql(r, target, path):
    head = [f"-- {words(r, 6)}\nBEGIN;\n\n",
            f"CREATE TABLE IF NOT EXISTS {snake(r)} (\n    id BIGSERIAL PRIMARY KEY,\n    {snake(r)} VARCHAR(255) NOT NULL,\n"
            f"    {snake(r)} INTEGER DEFAULT 0,\n    created_at TIMESTAMP NOT NULL DEFAULT now()\n);\n\n"]

    def row(r):
        return "".join(f"INSERT INTO {snake(r)} (id, name, code, amount) VALUES ({r.randint(1, 10**7)}, '{words(r, 2)}', '{hexid(r, 10)}', {r.randint(0, 10**6) / 100:.2f});\n" for _ in range(20)) + "\n"

    body = fill(r, max(0, target - 300), row)
    return head + body + ["COMMIT;\n"], range(2, len(head) + len(body) + 1)


def gen_csv(r, target, path):
    head = ["id,created_at,customer,region,amount,currency,status,reference\n"]

    def rows(r):
        return "".join(f"{r.randint(1, 10**8)},2026-02-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:00Z,"
                       f"{r.choice(FIRST)} {r.choice(WORDS)},{r.choice(['eu-west', 'us-east', 'ap-south'])},{r.randint(0, 10**6) / 100:.2f},"
                       f"{r.choice(['EUR', 'USD', 'GBP'])},{r.choice(['paid', 'open', 'void'])},{hexid(r, 12)}\n" for _ in range(32))

    return head + fill(r, target, rows), range(0)


def gen_md(r, target, path):
    def para(r):
        return f"## {words(r, 3).capitalize()}\n\n" + " ".join(words(r, r.randint(8, 16)).capitalize() + "." for _ in range(r.randint(3, 8))) + \
               f"\n\n```\n{r.choice(['systemctl restart', 'acmectl apply -f', 'tail -f /var/log/acme/'])} {r.choice(WORDS)}\n```\n\n"
    return [f"# {words(r, 3).title()}\n\n"] + fill(r, target, para), range(0)


def kv_block(r, sep, n=None):
    return "".join(f"{r.choice(WORDS)}.{camel(r)}{sep}{r.choice([str(r.randint(0, 9999)), 'true', 'false', r.choice(WORDS), host(r), '/opt/acme/' + r.choice(WORDS)])}\n"
                   for _ in range(n or r.randint(3, 10)))


def gen_properties(r, target, path):
    chunks = fill(r, target, lambda r: f"# {words(r, 5)}\n" + kv_block(r, "=") + "\n")
    return chunks, range(len(chunks) + 1)


def gen_env(r, target, path):
    chunks = fill(r, target, lambda r: f"{snake(r).upper()}={r.choice([str(r.randint(0, 9999)), 'true', r.choice(WORDS), host(r)])}\n")
    return chunks, range(len(chunks) + 1)


def gen_npmrc(r, target, path):
    return [f"registry=https://registry.npmjs.org/\n", f"@acme:registry=https://npm.{r.choice(TLDS)}/\n", "save-exact=true\n"], range(1, 4)


def gen_ini(r, target, path):
    chunks = fill(r, target, lambda r: f"[{snake(r)}]\n" + "".join(f"{snake(r)} = {r.choice([str(r.randint(0, 999)), 'yes', 'no', host(r)])}\n" for _ in range(r.randint(2, 8))) + "\n")
    return chunks, range(len(chunks) + 1)


def gen_toml(r, target, path):
    chunks = [f'name = "{r.choice(WORDS)}"\nversion = "4.2.{r.randint(0, 20)}"\n\n']
    chunks += fill(r, target, lambda r: f"[{r.choice(WORDS)}.{snake(r)}]\n" + "".join(f'{snake(r)} = {r.choice([str(r.randint(0, 999)), "true", repr(r.choice(WORDS)).replace(chr(39), chr(34))])}\n' for _ in range(r.randint(2, 6))) + "\n")
    return chunks, range(1, len(chunks) + 1)


def yaml_block(r):
    return f"{snake(r)}:\n" + "".join(f"  {snake(r)}: {r.choice([str(r.randint(0, 9999)), 'true', r.choice(WORDS), host(r)])}\n" for _ in range(r.randint(2, 7))) + \
           (f"  {r.choice(WORDS)}:\n" + "".join(f"    - {r.choice(WORDS)}\n" for _ in range(r.randint(1, 4))) if r.random() < 0.4 else "")


def gen_yaml(r, target, path):
    chunks = [f"# {words(r, 5)}\n"] + fill(r, target, yaml_block)
    return chunks, range(1, len(chunks) + 1)


def gen_json(r, target, path):
    def entry(r):
        return f'  "{camel(r)}": {r.choice([str(r.randint(0, 9999)), "true", json.dumps(r.choice(WORDS)), json.dumps(host(r)), json.dumps(r.sample(WORDS, 3))])},\n'
    chunks = ["{\n"] + fill(r, target, entry) + [f'  "{camel(r)}": {r.randint(1, 9)}\n}}\n']
    return chunks, range(1, len(chunks) - 1)


def gen_xml(r, target, path):
    def server(r):
        return f"  <mirror>\n    <id>{r.choice(WORDS)}</id>\n    <url>https://{host(r)}/repository/{r.choice(WORDS)}/</url>\n    <mirrorOf>*</mirrorOf>\n  </mirror>\n"
    chunks = ['<?xml version="1.0" encoding="UTF-8"?>\n<settings>\n'] + fill(r, target, server) + ["</settings>\n"]
    return chunks, range(1, len(chunks))


def gen_cron(r, target, path):
    lines = ["SHELL=/bin/bash\n", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n", "MAILTO=ops@acme.example\n\n"]
    for _ in range(r.randint(3, 9)):
        lines.append(f"{r.randint(0, 59)} {r.choice(['*', str(r.randint(0, 23)), '*/4'])} * * {r.choice(['*', '1-5', '0'])} {r.choice(['root', 'acme'])} "
                     f"/opt/acme/bin/{snake(r)}.sh >> /var/log/acme/{r.choice(WORDS)}.log 2>&1\n")
    return lines, range(3, len(lines) + 1)


def gen_systemd(r, target, path):
    name = r.choice(WORDS)
    lines = ["[Unit]\n", f"Description=Acme {name} service\n", "After=network-online.target\n\n", "[Service]\n",
             "Type=simple\n", "User=acme\n", f"ExecStart=/opt/acme/bin/{name} --config /etc/acme/{name}.yml\n",
             "Restart=on-failure\n", f"LimitNOFILE={r.choice([4096, 65536])}\n", "\n[Install]\n", "WantedBy=multi-user.target\n"]
    return lines, range(5, 9)


def gen_pemkey(r, target, path):
    return [], range(1)


def gen_certs(r, target, path):
    lines = []
    for _ in range(r.randint(1, 4)):
        lines.append("\n".join(cert_lines(r)) + "\n")
    return lines, range(0)


TEXT_GEN = {
    "java": gen_java, "js": gen_js, "go": gen_go, "py": gen_py, "sh": gen_sh, "minjs": gen_minjs, "log": gen_log,
    "sql": gen_sql, "csv": gen_csv, "md": gen_md, "properties": gen_properties, "env": gen_env, "ini": gen_ini,
    "toml": gen_toml, "yaml": gen_yaml, "json": gen_json, "xml": gen_xml, "cron": gen_cron, "systemd": gen_systemd,
    "pemkey": gen_pemkey, "certs": gen_certs, "npmrc": gen_npmrc,
}


def render_text(spec, seed):
    """Make a text file with its snippets; returns (bytes, plants with 1-based lines)."""
    global _W
    r = random.Random(f"{seed}/{spec.path}")
    _W = r.sample(WORDS, 30)
    try:
        chunks, slots = TEXT_GEN[spec.host](r, spec.size, spec.path)
    finally:
        _W = WORDS
    slots = list(slots) or [len(chunks)]
    inserts = {}
    for kind in spec.snippets:
        fn = SNIPPETS[kind][spec.host]
        lines, plants = fn(r)
        inserts.setdefault(r.choice(slots), []).append((lines, plants))
    out, line, plants = [], 1, []
    minified = spec.host == "minjs"
    for i in range(len(chunks) + 1):
        for lines, ps in inserts.get(i, []):
            if minified:
                # Spliced into the long line: it lands on the current line.
                for p in ps:
                    plants.append({"line": line, "kind": p[1]})
                out.append("".join(lines))
            else:
                for p in ps:
                    d = {"line": line + p[0], "kind": p[1]}
                    if len(p) > 2:
                        d["end_line"] = line + p[2]
                    plants.append(d)
                text = "\n".join(lines) + "\n"
                out.append(text)
                line += text.count("\n")
        if i < len(chunks):
            out.append(chunks[i])
            line += chunks[i].count("\n")
    return "".join(out).encode(), plants


# ---------------------------------------------------------------------------------------------
# Binary content.

# Maps random bytes onto a skewed distribution (many zero bytes and common x86 opcodes), so
# machine code compresses about like real code does (roughly 1.5-2x), at C speed.
_CODE = bytes([0, 0, 0, 0, 0x48, 0x48, 0x89, 0x8b, 0xe8, 0xff, 0x0f, 0x85, 0x84, 0xc3, 0x24, 0x44, 0x45, 0x4c, 0x83, 0xc0]
              * 12 + list(range(16)))
CODE_TABLE = bytes(_CODE[i % len(_CODE)] if i < 240 else i for i in range(256))


def code_bytes(r, n):
    return r.randbytes(n).translate(CODE_TABLE)


def gen_elf(r, size):
    head = bytearray(64)
    head[0:7] = b"\x7fELF\x02\x01\x01"
    head[16:20] = bytes([3, 0, 0x3e, 0])  # ET_DYN, x86-64
    head[20] = 1
    strtab = "\0".join(f"_ZN4acme{len(w)}{w}{r.randint(1, 9)}{pascal(r)}Ev" for w in r.choices(WORDS, k=max(10, size // 400))).encode()
    rodata = "\0".join(f"{words(r, 4)} %s (%d)" for _ in range(max(10, size // 600))).encode()
    text_n = max(0, size - len(head) - len(strtab) - len(rodata) - 4096)
    data = bytes(head) + code_bytes(r, text_n) + bytes(4096) + rodata + strtab
    return data[:size] if len(data) > size else data


def gen_blob(r, size, ext):
    magic = {"png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "gz": b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", "bin": b""}[ext]
    return magic + r.randbytes(size - len(magic))


def gen_class(r, size, name):
    pool = "".join(f"\x01{chr(len(s))}{s}" for s in [name, "java/lang/Object", "java/lang/String", "<init>", "()V", "(Ljava/lang/String;)V",
                                                     "LineNumberTable", "Code", "SourceFile", f"{name.rsplit('/', 1)[-1]}.java"]
                   + [f"com/acme/{r.choice(WORDS)}/{pascal(r)}" for _ in range(max(4, size // 120))]
                   + [camel(r) for _ in range(max(4, size // 80))]).encode("latin-1")
    head = b"\xca\xfe\xba\xbe\x00\x00\x00\x3d" + len(pool).to_bytes(2, "big")
    body = code_bytes(r, max(0, size - len(head) - len(pool)))
    return head + pool + body


# ---------------------------------------------------------------------------------------------
# Plan: every entry, with size and kind, decided before any content is made, so that the
# planted snippets can be spread over the text files (including those inside jars).


class Spec:
    __slots__ = ("path", "host", "size", "snippets", "mode")

    def __init__(self, path, host, size, mode=0o644):
        self.path, self.host, self.size, self.snippets, self.mode = path, host, size, [], mode


class JarSpec:
    def __init__(self, path, classes, texts, jars):
        self.path, self.classes, self.texts, self.jars = path, classes, texts, jars


# Share of the uncompressed bytes, and (min, max) size of one file, per kind of entry.
MIX = [
    ("log", 0.22, (200_000, 8_000_000)), ("java", 0.09, (3_000, 40_000)), ("js", 0.05, (2_000, 30_000)),
    ("go", 0.04, (3_000, 40_000)), ("py", 0.04, (2_000, 30_000)), ("sh", 0.015, (1_000, 12_000)),
    ("minjs", 0.09, (100_000, 3_000_000)), ("sql", 0.05, (20_000, 2_000_000)), ("csv", 0.05, (50_000, 4_000_000)),
    ("md", 0.02, (2_000, 40_000)), ("properties", 0.008, (500, 6_000)), ("yaml", 0.01, (500, 8_000)),
    ("ini", 0.003, (300, 3_000)), ("toml", 0.003, (300, 3_000)), ("json", 0.008, (500, 20_000)),
    ("xml", 0.004, (500, 6_000)), ("env", 0.003, (200, 2_000)), ("cron", 0.0002, (200, 800)),
    ("systemd", 0.0002, (300, 600)), ("certs", 0.001, (1_000, 5_000)), ("pemkey", 0.00005, (1_700, 1_700)),
    ("npmrc", 0.00001, (100, 200)),
    ("elf", 0.06, (50_000, 6_000_000)), ("blob", 0.012, (20_000, 3_000_000)), ("jar", 0.08, (100_000, 8_000_000)),
]

EXT = {"log": ".log", "java": ".java", "js": ".js", "go": ".go", "py": ".py", "sh": ".sh", "minjs": ".min.js", "sql": ".sql",
       "csv": ".csv", "md": ".md", "properties": ".properties", "yaml": ".yml", "ini": ".ini", "toml": ".toml", "json": ".json",
       "xml": ".xml", "env": ".env", "cron": "", "systemd": ".service", "certs": ".crt", "pemkey": ".key", "npmrc": ""}
DIRS = {"log": "logs", "java": "src/main/java/com/acme", "js": "web/src", "go": "agent", "py": "tools", "sh": "bin",
        "minjs": "web/static/js", "sql": "db/migration", "csv": "data", "md": "docs", "properties": "config",
        "yaml": "config", "ini": "config", "toml": "config", "json": "config", "xml": "config", "env": "config",
        "cron": "etc/cron.d", "systemd": "etc/systemd/system", "certs": "certs", "pemkey": "certs", "npmrc": "web",
        "elf": "lib/native", "blob": "assets", "jar": "lib"}

ROOT = "acme-suite-4.2.0"


def plan(size, seed):
    r = random.Random(f"{seed}/plan/{size}")
    components = r.sample(WORDS, min(len(WORDS), max(3, int(3 + 6 * math.log2(max(1, size / 50e6))))))
    used = set()
    entries, texts = [], []  # entries: top-level Spec / JarSpec; texts: every text Spec (for planting)
    counters = {}

    def name_for(kind, comp, ext):
        while True:
            counters[kind] = counters.get(kind, 0) + 1
            if kind == "cron":
                base = f"acme-{comp}-{r.choice(WORDS)}"
            elif kind == "npmrc":
                base = f"{r.choice(WORDS)}/.npmrc"
            elif kind in ("env",):
                base = f"{r.choice(WORDS)}-{r.choice(['prod', 'staging', 'dr', 'qa'])}"
            else:
                base = f"{snake(r)}" if kind in ("py", "sh", "log", "sql", "csv", "md", "ini", "toml", "xml") else \
                    (pascal(r) if kind == "java" else camel(r) if kind in ("js", "minjs") else f"{r.choice(WORDS)}-{r.choice(WORDS)}")
            if kind == "sql":
                base = f"V{counters[kind]}__{base}"
            if kind == "elf":
                base = f"lib{r.choice(WORDS)}{r.randint(1, 99)}"
                ext = ".so"
            if kind == "jar":
                base = f"{r.choice(WORDS)}-{r.choice(WORDS)}-{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}"
            p = f"{ROOT}/{comp}/{DIRS[kind]}/{base}{ext}"
            if p in used:
                # Rare clash: a numbered name, as a build would make.
                p = f"{ROOT}/{comp}/{DIRS[kind]}/{base}-{counters[kind]}{ext}"
            if p not in used:
                used.add(p)
                return p

    shares = sum(m[1] for m in MIX)
    for kind, share, (lo, hi) in MIX:
        budget = size * share / shares
        # At least one file of each text kind, so every snippet host exists even at 50 MB.
        first = True
        while budget > 0 or first:
            first = False
            comp = r.choice(components)
            n = int(math.exp(r.uniform(math.log(lo), math.log(hi))))
            # The last file of a kind takes what is left, so small packages keep their mix.
            n = min(n, max(lo, int(budget)))
            budget -= n
            if kind == "blob":
                ext = r.choice(["png", "bin", "gz"])
                entries.append(Spec(name_for(kind, comp, "." + ext), "blob:" + ext, n))
            elif kind == "elf":
                entries.append(Spec(name_for(kind, comp, ".so"), "elf", n, 0o755))
            elif kind == "jar":
                # Every sixth jar is a Spring Boot style fat jar, with jars inside it.
                counters["fat"] = counters.get("fat", -1) + 1
                entries.append(plan_jar(r, name_for(kind, comp, ".jar"), n, texts, fat=counters["fat"] % 6 == 0))
            else:
                spec = Spec(name_for(kind, comp, EXT[kind]), kind, n, 0o755 if kind in ("sh", "py") else 0o644)
                entries.append(spec)
                texts.append(spec)
    return entries, texts


def plan_jar(r, path, packed, texts, fat, depth=0):
    # Inner bytes are about twice the jar's: class files compress roughly 2x inside a jar.
    inner = packed * 2
    classes = []
    while inner > 0:
        n = int(math.exp(r.uniform(math.log(800), math.log(30_000))))
        classes.append((f"com/acme/{r.choice(WORDS)}/{pascal(r)}.class", n))
        inner -= n
    prefix = "BOOT-INF/classes/" if fat else ""
    tx = [Spec(f"{path}!/{prefix}application.yml", "yaml", r.randint(1000, 6000)),
          Spec(f"{path}!/{prefix}META-INF/{r.choice(WORDS)}.properties", "properties", r.randint(500, 3000))]
    texts.extend(tx)
    jars = []
    if fat and depth == 0:
        for _ in range(r.randint(2, 5)):
            jars.append(plan_jar(r, f"{path}!/BOOT-INF/lib/{r.choice(WORDS)}-{r.choice(WORDS)}-{r.randint(1, 5)}.{r.randint(0, 9)}.jar",
                                 r.randint(50_000, 600_000), texts, fat=False, depth=1))
    return JarSpec(path, classes, tx, jars)


def n_secrets(size):
    # About 100 at 50 MB, 300 at 2 GB, growing with the log of the size.
    x = math.log(max(size, 1e6) / 50e6) / math.log(40)
    return int(max(60, min(300, 100 + 200 * x)))


def assign(texts, size, seed):
    r = random.Random(f"{seed}/plant/{size}")
    by_host = {}
    for t in texts:
        by_host.setdefault(t.host, []).append(t)
    kinds = sorted(SNIPPETS)
    total = n_secrets(size)
    placed = 0
    i = 0
    inner = [t for t in texts if "!/" in t.path]
    while placed < total:
        kind = kinds[i % len(kinds)]
        i += 1
        if i % 8 == 0 and inner:
            # One secret in eight goes into a file inside a jar (configuration packed with the code).
            spec = r.choice(inner)
            kind = r.choice([k for k in kinds if spec.host in SNIPPETS[k]])
            spec.snippets.append(kind)
            placed += 2 if kind == "aws-pair" else 1
            continue
        hosts = [h for h in sorted(SNIPPETS[kind]) if h in by_host]
        h = r.choice(hosts)
        spec = r.choice(by_host[h])
        if h in ("pemkey", "npmrc") and spec.snippets:
            # One key per key file, one registry line per .npmrc.
            spare = [s for s in by_host[h] if not s.snippets]
            if not spare:
                continue
            spec = r.choice(spare)
        spec.snippets.append(kind)
        placed += 2 if kind == "aws-pair" else 1


# ---------------------------------------------------------------------------------------------
# Writing.


def zinfo(path, mode, stored):
    zi = zipfile.ZipInfo(path, date_time=STAMP_TIME)
    zi.create_system = 3
    zi.external_attr = (0o100000 | mode) << 16
    zi.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return zi


def build_jar(spec, seed, manifest):
    r = random.Random(f"{seed}/{spec.path}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zinfo("META-INF/MANIFEST.MF", 0o644, False),
                   f"Manifest-Version: 1.0\nCreated-By: 21.0.2 (Eclipse Adoptium)\nImplementation-Version: 4.2.{r.randint(0, 9)}\n\n",
                   compresslevel=LEVEL)
        items = [(p, "class", n) for p, n in spec.classes] + [(t.path.rsplit("!/", 1)[1], "text", t) for t in spec.texts] + \
                [(j.path.rsplit("!/", 1)[1], "jar", j) for j in spec.jars]
        seen = set()
        for name, what, x in items:
            if name in seen:
                continue
            seen.add(name)
            if what == "class":
                z.writestr(zinfo(name, 0o644, False), gen_class(r, x, name[:-6]), compresslevel=LEVEL)
            elif what == "text":
                data, plants = render_text(x, seed)
                for p in plants:
                    manifest.append({"path": x.path, **p})
                z.writestr(zinfo(name, 0o644, False), data, compresslevel=LEVEL)
            else:
                # Spring Boot stores nested jars uncompressed.
                z.writestr(zinfo(name, 0o644, True), build_jar(x, seed, manifest))
    return buf.getvalue()


def make_entry(job):
    """One top-level entry's bytes; runs in a worker process (each entry has its own Random)."""
    e, seed = job
    manifest = []
    if isinstance(e, JarSpec):
        data, mode, stored = build_jar(e, seed, manifest), 0o644, True
    elif e.host == "elf":
        data, mode, stored = gen_elf(random.Random(f"{seed}/{e.path}"), e.size), 0o755, False
    elif e.host.startswith("blob:"):
        data, mode, stored = gen_blob(random.Random(f"{seed}/{e.path}"), e.size, e.host[5:]), 0o644, True
    else:
        data, plants = render_text(e, seed)
        mode, stored = e.mode, False
        manifest = [{"path": e.path, **p} for p in plants]
    return e.path, data, mode, stored, manifest


def build(size, seed, out_zip, progress=True):
    entries, texts = plan(size, seed)
    assign(texts, size, seed)
    entries.sort(key=lambda e: e.path)
    manifest = []
    tmp = out_zip + ".tmp"
    total = 0
    t0 = time.time()
    # Workers make the entries, in order; this process compresses and writes them. The bytes
    # do not depend on the number of workers.
    import multiprocessing
    with multiprocessing.Pool(os.cpu_count() or 1) as pool, zipfile.ZipFile(tmp, "w", allowZip64=True) as z:
        for i, (path, data, mode, stored, plants) in enumerate(pool.imap(make_entry, [(e, seed) for e in entries], chunksize=4)):
            manifest.extend(plants)
            z.writestr(zinfo(path, mode, stored), data, compresslevel=None if stored else LEVEL)
            total += len(data)
            if progress and i % 200 == 0:
                print(f"\r  {total / 1e6:8.1f} MB, {i + 1}/{len(entries)} entries, {time.time() - t0:5.1f} s", end="", file=sys.stderr)
    if progress:
        print(file=sys.stderr)
    os.replace(tmp, out_zip)
    manifest.sort(key=lambda m: (m["path"], m["line"], m["kind"]))
    return manifest, total, len(entries)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", required=True, help="uncompressed size, e.g. 50M, 500M, 2G")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--out", default=os.environ.get("PREFLIGHT_BENCH_DIR", os.path.expanduser("~/.cache/preflight-bench")))
    ap.add_argument("--force", action="store_true", help="rebuild even when the stamp matches")
    a = ap.parse_args()
    size = parse_size(a.size)
    os.makedirs(a.out, exist_ok=True)
    base = os.path.join(a.out, f"bench-{a.size.upper()}-s{a.seed}")
    stamp_want = f"gen {GEN_VERSION} size {size} seed {a.seed}\n"
    stamp = base + ".stamp"
    if not a.force and os.path.exists(stamp) and os.path.exists(base + ".zip") and open(stamp).read() == stamp_want:
        print(base + ".zip")
        return
    t0 = time.time()
    print(f"generating {base}.zip ({a.size}, seed {a.seed})", file=sys.stderr)
    manifest, total, n = build(size, a.seed, base + ".zip")
    doc = {"generator_version": GEN_VERSION, "seed": a.seed, "size": a.size.upper(), "uncompressed_bytes": total,
           "entries": n, "secrets": manifest}
    with open(base + ".manifest.json", "w") as f:
        json.dump(doc, f, indent=1)
    with open(stamp, "w") as f:
        f.write(stamp_want)
    print(f"  {total / 1e6:.1f} MB uncompressed, {os.path.getsize(base + '.zip') / 1e6:.1f} MB zip, {n} entries, "
          f"{len(manifest)} planted secrets, {time.time() - t0:.1f} s", file=sys.stderr)
    print(base + ".zip")


if __name__ == "__main__":
    main()
