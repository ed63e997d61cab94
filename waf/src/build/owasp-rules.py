#!/usr/bin/env python3
"""Writes waf/src/main/resources/dev/pier/waf/managed/owasp.yaml: Pier's OWASP Core Ruleset.

Rule ids are Cloudflare-style (32 hex characters), derived from the CRS rule number so that
they stay the same across edits; the description starts with the CRS number, as Cloudflare's do.
Run it after editing a rule:  python3 waf/src/build/owasp-rules.py
"""
import hashlib, json, os

ARGS = "waf.args"
HDRS = "waf.headers"

class PerInput(str):
    """An expression over one input (waf.input), run for each input of the given targets."""
    targets = ("args", "headers")

def anywhere(regex, targets=(ARGS, HDRS)):
    e = PerInput(f'waf.input matches r#"{regex}"#')
    e.targets = tuple("args" if t == ARGS else "headers" for t in targets)
    return e

# A JavaScript string literal as a property name in bracket notation: window['al'+'ert']
JS_STRING = r"""('[^'\]]*'|"[^"\]]*"|`[^`\]]*`)"""

# The names inside ${...} that Java's expression language (JSP, JSF) resolves to the request,
# the session and the application: reading them is reading the server's state.
EL_IMPLICIT = "applicationscope|sessionscope|requestscope|pagescope|pagecontext|initparam|paramvalues|param|headervalues|header|cookie|facescontext|request|session|application"

# FreeMarker's directives, written <#name ...> or [#name ...]
FREEMARKER_DIRECTIVES = "assign|list|import|include|if|function|macro|attempt|setting|ftl|global|local|visit|recurse|compress|escape|noparse|nested|return|stop|switch"

RULES = [
    # ---------------------------------------------------------------- SQL injection
    ("942100", "SQL Injection Attack Detected via libinjection-style analysis", "attack-sqli", 1, "critical",
     PerInput("waf_sqli(waf.input)")),
    ("942190", "Detects MSSQL code execution and information gathering attempts (UNION SELECT)", "attack-sqli", 1, "critical",
     anywhere(r"\bunion\s*(all|distinct)?\s*\(*\s*select\b")),
    ("942160", "Detects blind SQLi tests using sleep() or benchmark()", "attack-sqli", 1, "critical",
     anywhere(r"\b(sleep|benchmark|pg_sleep)\s*\(\s*[\d'\"(@]|waitfor\s+(delay|time)\s*['\"\d]|dbms_(pipe|lock)\.|randomblob\s*\(\s*\d{5,}")),
    ("942140", "SQL Injection Attack: Common DB Names Detected", "attack-sqli", 1, "critical",
     anywhere(r"information_schema|mysql\.(user|db)\b|\bsys(objects|columns|databases|logins)\b|pg_(catalog|shadow|user|database)\b|sqlite_(master|schema|version)|msysaccessobjects|\ball_tables\b|\buser_tables\b|\bdual\b.{0,20}--")),
    ("942130", "SQL Injection Attack: SQL Boolean-based attack (tautology)", "attack-sqli", 1, "critical",
     anywhere(r"['\"`)]\s*\)*\s*(or|and|xor|\|\||&&)\s*\(*\s*['\"`]?[\w.]*['\"`]?\s*(=|<|>|!=|<>|like|rlike|regexp|is\s)\s*\(*\s*['\"`]?[\w.]*|\b(or|and)\s+\d+\s*(=|<|>|<=|>=|<>|!=)\s*\d+\s*($|--|#|;|\)|/\*)|\b(or|and)\s+['\"]\w*['\"]\s*=\s*['\"]")),
    ("942150", "SQL Injection Attack: SQL function call after an injection", "attack-sqli", 1, "warning",
     anywhere(r"(['\"`)]|\b(and|or|select|where|union)\b)\s*\(*\s*(extractvalue|updatexml|load_file|group_concat|concat_ws|char|chr|ascii|substring|substr|mid|hex|unhex|version|database|user|current_user|system_user|@@version|cast|convert|ifnull|iif|if|count|length|md5|make_set|elt|name_const|exp|floor|rand|json_keys|utl_inaddr\.\w+|xp_cmdshell|sp_executesql)\s*\(")),
    ("942360", "Detects concatenated basic SQL injection and SQLLFI attempts", "attack-sqli", 1, "warning",
     anywhere(r"\bselect\s+[\w*@,()`'\" .]{1,100}\s+from\s+[\w.`\[\]]+|\binsert\s+into\s+[\w.`]+|\bdelete\s+from\s+[\w.`]+|\bdrop\s+(table|database|schema|user)\b|\bupdate\s+[\w.`]+\s+set\s+[\w`]+\s*=|\btruncate\s+table\b|\balter\s+table\b|\bcreate\s+(table|user|function|procedure)\b|\bexec(ute)?\s+(master\.|xp_|sp_)")),
    ("942350", "Detects MySQL file access and UDF injection (INTO OUTFILE, LOAD_FILE, LOAD DATA)", "attack-sqli", 1, "critical",
     anywhere(r"\binto\s+(out|dump)file\b|\bload_file\s*\(|\bload\s+data\s+(local\s+)?infile\b|\bexec(ute)?\s+(master\.)?(xp|sp)_\w+|\bxp_cmdshell\b")),
    ("942370", "Detects classic SQL injection probings (quote then SQL)", "attack-sqli", 1, "warning",
     anywhere(r"^[\w.@-]*['\"`]\s*\)*\s*(;|--|#|\bor\b|\band\b|\bunion\b|\border\s+by\b|\bgroup\s+by\b|\bhaving\b|\blimit\b|\bprocedure\b|\binto\b|\bselect\b|\|\||&&)")),
    ("942510", "SQLi bypass attempt by ticks or backticks detected", "attack-sqli", 2, "warning",
     anywhere(r"(^|[^\w])('\s*\w+\s*'|\"\s*\w+\s*\"|`\s*\w+\s*`)\s*(=|<|>)")),
    ("942200", "Detects MySQL comment-/space-obfuscated injections and backtick termination", "attack-sqli", 2, "warning",
     anywhere(r",\s*\(*\s*select\b|\bselect\s*\(|@@\w+|\bchar\s*\(\s*\d+\s*(,\s*\d+\s*)+\)|0x[0-9a-f]{8,}")),
    ("942380", "SQL Injection Attack: ORDER BY / HAVING probing", "attack-sqli", 2, "notice",
     anywhere(r"\b(order|group)\s+by\s+\d+\b|\bhaving\s+\d+\s*=")),

    ("942430", "Restricted SQL Character Anomaly Detection: many special characters", "attack-sqli", 3, "warning",
     anywhere(r"([~!@#$%^&*()\-+={}\[\]|:;\"'`<>][^~!@#$%^&*()\-+={}\[\]|:;\"'`<>]*){8,}")),
    ("942460", "Meta-Character Anomaly Detection Alert: repetitive non-word characters", "attack-sqli", 3, "warning",
     anywhere(r"[^\w\s]{4,}")),
    ("942420", "Restricted SQL Character Anomaly Detection (cookies): special characters in a cookie", "attack-sqli", 4, "notice",
     anywhere(r"[~!@#$%^&*()\-+={}\[\]|:;\"'`<>]{2,}", (ARGS,))),
    ("920273", "Invalid character in request: outside a very strict set", "attack-protocol", 4, "notice",
     r'waf.raw_uri matches r#"[^A-Za-z0-9._~/?&=%:@+,;!$*()\-]"#'),

    # ---------------------------------------------------------------- XSS
    ("941100", "XSS Attack Detected via libinjection-style analysis", "attack-xss", 1, "critical",
     PerInput("waf_xss(waf.input)")),
    ("941110", "XSS Filter - Category 1: Script Tag Vector", "attack-xss", 1, "critical",
     anywhere(r"<\s*script[^>]*>|<\s*/\s*script\s*>|<\s*script\b")),
    ("941120", "XSS Filter - Category 2: Event Handler Vector", "attack-xss", 1, "critical",
     anywhere(r"[\s\"'`;/0-9=\x0b\x0c]on[a-z]{3,25}[\s\x0b\x0c]*=")),
    ("941130", "XSS Filter - Category 3: Attribute Vector", "attack-xss", 1, "critical",
     anywhere(r"(xlink:href|formaction|srcdoc|\bstyle\s*=.*(expression|behavior|-moz-binding|url\s*\(\s*['\"]?\s*javascript))|(java|vb|live)script\s*:|data\s*:\s*(text/html|image/svg\+xml|application/(x-)?javascript)")),
    ("941160", "NoScript XSS InjectionChecker: HTML Injection", "attack-xss", 1, "critical",
     anywhere(r"<[a-z][a-z0-9:-]*[\s/]+[^>]*\b(src|href|style|action|background|dynsrc|lowsrc|data|code|poster)\s*=|<\s*(iframe|frame|object|embed|applet|svg|math|base|meta|link|style|form|isindex|marquee|details|video|audio|body|img|image|input|keygen|xss|portal|template)\b")),
    ("941180", "Node-Validator Blacklist Keywords", "attack-xss", 1, "warning",
     anywhere(r"document\s*\.\s*(cookie|write|domain|location)|\.parentnode|\.innerhtml|window\s*\.\s*location|-moz-binding|<!--|-->|\bstring\s*\.\s*fromcharcode")),
    ("941390", "Javascript method detected", "attack-xss", 1, "warning",
     anywhere(r"\b(alert|prompt|confirm|eval|settimeout|setinterval|atob|fetch|import)\s*(\(|`)|\bfunction\s*\(\s*\)\s*\{|=>\s*\{")),
    ("941370", "JavaScript global variable or property access in bracket notation", "attack-xss", 1, "critical",
     anywhere(r"\b(window|self|top|this|parent|frames|globalthis|document|content|opener|navigator|location)\s*\)?\s*\[\s*(['\"`/]|[a-z_$][\w$.]*\s*\()"
              r"|\[\s*" + JS_STRING + r"(\s*\+\s*" + JS_STRING + r")*\s*\]\s*(\(|`|\[\s*['\"`])"
              r"|\[\s*" + JS_STRING + r"(\s*\+\s*" + JS_STRING + r")+\s*\]"
              r"|\[\s*['\"`](cookie|location|href|innerhtml|outerhtml|domain|constructor|prototype|__proto__|srcdoc|onerror|onload)['\"`]\s*\]")),
    ("941330", "IE XSS Filters / obfuscated vectors", "attack-xss", 2, "notice",
     anywhere(r"\[\s*['\"`]\w+['\"`]\s*\]\s*\(|\\x[0-9a-f]{2}|\\u[0-9a-f]{4}|&#x?[0-9a-f]+")),

    # ---------------------------------------------------------------- path traversal, file access
    ("930100", "Path Traversal Attack (/../) or (/.../) in encoded form", "attack-lfi", 1, "critical",
     r'waf.raw_uri matches r#"(?i)(%2e|%252e|%c0%ae|%e0%80%ae|%u002e|\.){2,3}(%2f|%252f|%5c|%255c|%c0%af|%c1%9c|%u2215|%u2216|%u002f|/|\\)"#'),
    ("930110", "Path Traversal Attack (/../) or (/.../)", "attack-lfi", 1, "critical",
     anywhere(r"(^|[/\\])\.{2,3}([/\\]|$)|\.\.;/")),
    ("930120", "OS File Access Attempt", "attack-lfi", 1, "critical",
     anywhere(r"(^|[/\\])(proc[/\\](self|\d+)[/\\]|windows[/\\](win\.ini|system\.ini|system32)|boot\.ini|winnt[/\\]|inetpub[/\\]|var[/\\](log|www|lib)[/\\]|etc[/\\][a-z][\w.-]*|sys[/\\](class|kernel|devices|module)|tmp[/\\])|\b(win\.ini|boot\.ini|desktop\.ini|web\.config|\.htaccess|\.htpasswd|\.bash_history|id_rsa|authorized_keys|wp-config\.php|\.git/(config|head)|\.env\b)")),
    ("930130", "Restricted File Access Attempt", "attack-lfi", 1, "critical",
     r'waf.args[0] matches r#"(^|/)\.(git|svn|hg|bzr|env|aws|ssh|ds_store|htaccess|htpasswd|idea|vscode|docker)(/|$)|/(web-inf|meta-inf)(/|$)|\.(bak|old|orig|swp|sql|dump)$"#'),
    ("930140", "Remote File Inclusion: URL scheme a server would fetch", "attack-lfi", 1, "critical",
     anywhere(r"^(file|php|phar|zip|data|expect|glob|jar|gopher|dict|ldap|tftp|netdoc)\s*:|(php|phar|zip|expect)://|file:/{1,3}[a-z]")),

    # ---------------------------------------------------------------- remote code execution
    ("932100", "Remote Command Execution: Unix Command Injection", "attack-rce", 1, "critical",
     anywhere(r"([;&|`\n]|\$\()\s*\(*\s*(cat|ls|id|whoami|uname|wget|curl|nc|ncat|netcat|bash|sh|zsh|ksh|csh|dash|python[23]?|perl|ruby|php|echo|ping|nslookup|dig|host|rm|chmod|chown|kill|ps|sleep|tail|head|more|less|nmap|telnet|ftp|tftp|base64|ifconfig|env|printenv|awk|sed|xargs|busybox|sudo|su|passwd|useradd|crontab|systemctl|service|socat|mkfifo|touch|cp|mv|find|grep|tar|unzip|gcc|openssl|time)(\s|$|;|\||&|<|>|\))")),
    ("932150", "Remote Command Execution: Direct Unix Command Execution", "attack-rce", 1, "critical",
     anywhere(r"^\s*(wget|curl|nc|ncat|netcat|bash|sh|zsh|python[23]?|perl|ruby|php|rm|chmod|nslookup|ping|telnet|socat|cat|tftp)\s+(-{1,2}[\w-]+\s+)*(https?://|ftp://|/|~/|\d{1,3}(\.\d{1,3}){3}|\$|`)")),
    ("932105", "Remote Command Execution: command substitution", "attack-rce", 1, "critical",
     anywhere(r"\$\(\s*[a-z/]|`\s*(cat|ls|id|whoami|uname|wget|curl|nc|bash|sh|sleep|ping|echo|rm)\b[^`]*`|\$\{ifs\}|\$ifs\b|\{[a-z]+,[^}]*\}")),
    ("932110", "Remote Command Execution: Windows Command Injection", "attack-rce", 1, "critical",
     anywhere(r"\bcmd(\.exe)?\s*/[ck]\b|\bpowershell(\.exe)?\b|\bnet\s+(user|localgroup|view)\b|\b(certutil|bitsadmin|wscript|cscript|rundll32|regsvr32|mshta|wmic)(\.exe)?\b|[;&|]\s*(dir|type|ipconfig|systeminfo|tasklist|whoami|ver|netsh|netstat|reg|sc|schtasks|taskkill|ping|nslookup|tracert|arp|route)\b|\binvoke-(webrequest|expression|restmethod|command|item)\b|\biex\s*\(|new-object\s+(system\.)?net\.webclient|\bdownload(string|file)\s*\(|\bstart-process\b")),
    ("932130", "Remote Command Execution: Unix Shell Expression", "attack-rce", 1, "critical",
     anywhere(r"/bin/(ba|z|k|c|da|tc)?sh\b|/usr/bin/(id|whoami|env|perl|python[23]?|php|wget|curl|nc)\b|/dev/(tcp|udp)/|\$\{(path|home|shell|ifs)\}|\b(nc|ncat|netcat)\s+(-[a-z]+\s+)*[\d.]+\s+\d+|>\s*/(tmp|dev|etc|var)/|\bbash\s+-[ci]\b|\bsh\s+-c\b")),
    ("932160", "Remote Command Execution: Shellshock (CVE-2014-6271)", "attack-rce", 1, "critical",
     anywhere(r"\(\s*\)\s*\{.*;\s*\}|^\s*\(\s*\)\s*\{")),
    ("932170", "Remote Command Execution: Log4Shell / JNDI lookup (CVE-2021-44228)", "attack-rce", 1, "critical",
     anywhere(r"\$\{\s*(jndi|\$\{|env:|sys:|lower:|upper:|date:|java:|base64:|::-|main:|ctx:|k8s:|docker:|spring:|web:|bundle:)")),
    ("933100", "PHP Injection Attack: opening tag or dangerous function", "attack-rce", 1, "critical",
     anywhere(r"<\?(php|=)|\$_(get|post|request|cookie|server|files|env|session)\s*\[|\{\s*\$\{?\s*\w+\s*\(|\b(phpinfo|system|passthru|shell_exec|exec|popen|proc_open|pcntl_exec|assert|base64_decode|file_get_contents|file_put_contents|fopen|include|include_once|require|require_once|eval|create_function|call_user_func|preg_replace)\s*\(")),
    ("934100", "Node.js Injection Attack", "attack-rce", 1, "critical",
     anywhere(r"require\s*\(\s*['\"`](child_process|fs|net|os|vm)['\"`]|process\.(mainmodule|binding|env)|child_process|\.constructor\s*\(\s*['\"`]return|__proto__|constructor\s*\[\s*['\"]prototype")),
    ("944100", "Java / expression language injection", "attack-rce", 1, "critical",
     anywhere(r"java\.lang\.(runtime|processbuilder|system|class)|getruntime\s*\(|\bclass\.module\.classloader|#\{[^}]*\}|%\{[^}]*(#|@|\.)[^}]*\}|\$\{[^}]*(runtime|getclass|classloader|exec|forname)[^}]*\}"
              r"|[$#*]\{\s*(empty\s+|not\s+|!\s*)?(" + EL_IMPLICIT + r")\b"
              r"|[$#*]\{[^}]*\bt\s*\(\s*[a-z_$][\w$]*(\.[\w$]+)+\s*\)"
              r"|\$\{[^}]*[a-z_$]\s*\(")),
    ("934200", "Server-side template injection", "attack-rce", 1, "critical",
     anywhere(r"\{\{.*(__class__|__globals__|__builtins__|__import__|config|self\.|request\.|lipsum|cycler|joiner|namespace|\d+\s*[*+]\s*\d+).*\}\}|\{%.*(import|include|exec|for|set).*%\}|<%=?.*%>"
              r"|[$#*@~]\{\s*['\"]?\d+['\"]?\s*[*+/%-]\s*['\"]?\d+"
              r"|[<\[]/?#(" + FREEMARKER_DIRECTIVES + r")\b"
              r"|\?(new|api|eval|interpret)\s*(\(|\.|\}|$)|freemarker\.template\.utility|\b(objectconstructor|jythonruntime)\b"
              r"|\$\{\s*\.(now|data_model|globals|locals|main|namespace|vars|version|template_name|current_template_name|lang|locale|output_encoding|error|node|pass)\b")),
    ("934190", "Server-side include or edge-side include directive", "attack-rce", 1, "critical",
     anywhere(r"<!--\s*#\s*(exec|include|echo|printenv|config|fsize|flastmod|set|if|elif|else|endif)\b|<esi:(include|vars|inline|eval|choose|try|debug|assign|remove)\b|<!--esi\b")),
    ("934250", "XML external entity or external DTD (XXE) and XInclude", "attack-lfi", 1, "critical",
     anywhere(r"<!doctype\s+[^\s>\[]+\s+(system|public)\b|<!doctype\s+[^>]*\[\s*<!(entity|element|attlist|notation)|<!entity\s+(%\s*)?[\w.:-]+\s+(system|public)\b|<xi:include\b|\bxmlns:xi\s*=|www\.w3\.org/2001/xinclude")),
    ("934110", "Server-side request forgery: cloud metadata and internal schemes", "attack-rce", 1, "critical",
     anywhere(r"169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200|fd00:ec2::254|(gopher|dict|ldap|jar|netdoc)://")),

    # ---------------------------------------------------------------- scanners
    ("913100", "Found User-Agent associated with security scanner", "attack-reputation-scanner", 1, "critical",
     r'lower(http.user_agent) matches r#"sqlmap|nikto|nmap|masscan|zgrab|nuclei|wpscan|dirbuster|gobuster|\bdirb\b|acunetix|nessus|openvas|w3af|arachni|\bzap\b|owasp|burp|netsparker|invicti|appscan|webinspect|havij|commix|jaeles|\bffuf\b|wfuzz|feroxbuster|whatweb|skipfish|paros|grabber|\bvega\b|xsser|fimap|jbrofuzz|morfeus|zmeu|absinthe|bsqlbf|brutus|cgichk|interactsh|qualys|censysinspect|internet-measurement|l9explore|leakix|crawlergo|\bxray\b|nmap scripting engine|fuzz faster u fool|mozlila|moblie safari|hydra|medusa|metasploit|sqlninja|pangolin|webshag|httprint|wapiti|dotdotpwn|joomscan|droopescan|cmsmap|zgrab|detectify|intruder\.io|probely|\bjorgee\b|mozilla/5\.0 sf/|openvas|netlab360"#'),
    ("913110", "Found request header associated with security scanner", "attack-reputation-scanner", 1, "critical",
     r'any(http.request.headers.names[*] in {"acunetix-product" "acunetix-scanning-agreement" "acunetix-user-agreement" "x-scanner" "x-wipp" "x-request-memo" "x-scan-memo" "x-ratproxy-loop" "bxss" "acunetix-aspect" "acunetix-aspect-password" "acunetix-aspect-queries" "x-zap-scan-id"})'),
    ("913120", "Found request filename or argument associated with security scanner", "attack-reputation-scanner", 1, "critical",
     anywhere(r"acunetix|nessus|netsparker|bxss\.me|burpcollaborator|oastify|\boast\.(pro|live|site|online|fun|me)\b|interact\.sh|dnslog\.cn|ceye\.io|\bxss\.ht\b|canarytokens")),

    # ---------------------------------------------------------------- protocol
    ("921110", "HTTP Request Smuggling Attack: a request line inside the request", "attack-protocol", 1, "critical",
     anywhere(r"\b(get|post|head|options|connect|put|delete|trace|track|patch|propfind|proppatch|mkcol|copy|move|lock|unlock)\s+[^\s]+\s+http/\d", (ARGS,))),
    ("920270", "Invalid character in request (null or control character)", "attack-protocol", 1, "critical",
     r'waf.raw_uri matches r#"(?i)%(00|0[1-8bcef]|1[0-9a-f]|7f)|%u00[01][0-9a-f]"#'),
    ("921130", "HTTP Response Splitting / header injection (CR or LF in the request)", "attack-protocol", 1, "critical",
     r'waf.raw_uri matches r#"(?i)(%0d|%0a|%250d|%250a|%u000d|%u000a|%e5%98%8a|%e5%98%8d)"# or any(lower(http.request.headers.values[*]) contains "%0d") or any(lower(http.request.headers.values[*]) contains "%0a") or any(http.request.headers.values[*] contains "%00")'),
    ("920100", "Invalid percent-encoding in the request target", "attack-protocol", 1, "critical",
     r'waf.raw_uri matches r#"%([^0-9a-fA-FuU]|[0-9a-fA-F]([^0-9a-fA-F]|$)|$)"#'),
    ("920170", "GET or HEAD request with a body (Content-Length or Transfer-Encoding)", "attack-protocol", 1, "critical",
     r'http.request.method in {"GET" "HEAD"} and (any(http.request.headers.names[*] eq "transfer-encoding") or any(http.request.headers["content-length"][*] ne "0"))'),
    ("920180", "Duplicated or conflicting headers a client never repeats", "attack-protocol", 1, "critical",
     r'len(http.request.headers["host"]) > 1 or len(http.request.headers["sec-websocket-version"]) > 1 or len(http.request.headers["sec-websocket-key"]) > 1 or len(http.request.headers["content-length"]) > 1 or len(http.request.headers["upgrade"]) > 1'),
    ("920380", "Too many arguments, or an argument name too long", "attack-protocol", 1, "critical",
     r'len(http.request.uri.args.values) > 255 or any(len(http.request.uri.args.names[*]) > 100)'),
    ("920390", "Total arguments size exceeded", "attack-protocol", 2, "warning",
     r'len(http.request.uri.query) > 6000'),
]

# The views of each input a per-input rule looks at (see View.java): every rule looks at the
# decoded view, which removes nothing, and the uncommented one; the SQL injection patterns also
# at the SQL view, where MySQL's tokens are spaced apart (1union(select`a`from`b`)). 942100
# tokenises the input itself.
SQL_VIEWS = {n for n, _, cat, _, _, e in RULES if cat == "attack-sqli" and isinstance(e, PerInput)} - {"942100"}

def views(number):
    return ["decoded", "uncommented", "sql"] if number in SQL_VIEWS else ["decoded", "uncommented"]

# The literals any match of a rule must contain, one of them at least (lower case): only the
# rules whose literals occur somewhere in a request run (see Prefilter.java). No entry: always runs.
PREFILTER = {
    "942190": ["union"],
    "942160": ["sleep", "benchmark", "waitfor", "dbms_", "randomblob"],
    "942140": ["information_schema", "mysql.", "sys", "pg_", "sqlite_", "msysaccessobjects", "all_tables", "user_tables", "dual"],
    "942130": ["or", "and", "xor", "||", "&&"],
    "942150": ["("],
    "942360": ["select", "insert", "delete", "drop", "update", "truncate", "alter", "create", "exec"],
    "942350": ["into", "load", "exec", "xp_cmdshell"],
    "942370": ["'", '"', "`"],
    "942510": ["'", '"', "`"],
    "942200": [",", "select", "@@", "char", "0x"],
    "942380": ["order", "group", "having"],
    "941100": ["<", "script", "data", "srcdoc", "onerror", "onload", "onmouseover", "onmouseenter", "onfocus", "onblur", "onclick",
               "ontoggle", "onbegin", "onanimationstart", "onpageshow", "onstart", "onfinish", "onwheel", "onpointerover",
               "ontransitionend", "oninput", "onchange", "onsubmit", "onunload", "onresize", "onscroll", "onhashchange", "onmessage",
               "onpopstate", "oncopy", "oncut", "onpaste", "onkeydown", "onkeyup", "onkeypress", "ondblclick", "oncontextmenu",
               "ondrag", "ondrop", "onauxclick", "expression", "-moz-binding", "@import", "alert", "prompt", "confirm", "eval",
               "settimeout", "setinterval", "atob", "document", "window", "fromcharcode", "self", "top", "constructor", "{{", "cdata", "<?xml", "entity"],
    "941110": ["script"],
    "941120": ["="],
    "941130": ["xlink:href", "formaction", "srcdoc", "style", "script", "data"],
    "941160": ["<"],
    "941180": ["document", "parentnode", "innerhtml", "window", "-moz-binding", "<!--", "-->", "fromcharcode"],
    "941390": ["alert", "prompt", "confirm", "eval", "settimeout", "setinterval", "atob", "fetch", "import", "function", "=>"],
    "941330": ["[", "\\x", "\\u", "&#"],
    "930100": ["%2e", "%252e", "%c0%ae", "%e0%80%ae", "%u002e", ".."],
    "930110": [".."],
    "930120": ["proc", "windows", "boot.ini", "winnt", "inetpub", "var", "etc", "sys", "tmp", "win.ini", "desktop.ini", "web.config",
               ".htaccess", ".htpasswd", ".bash_history", "id_rsa", "authorized_keys", "wp-config.php", ".git/", ".env"],
    "930140": [":"],
    "932100": [";", "&", "|", "`", "$(", "\n"],
    "932150": ["wget", "curl", "nc", "bash", "sh", "python", "perl", "ruby", "php", "rm", "chmod", "nslookup", "ping", "telnet", "socat", "cat", "tftp"],
    "932105": ["$(", "`", "$ifs", "${ifs}", "{"],
    "932110": ["cmd", "powershell", "net", "certutil", "bitsadmin", "wscript", "cscript", "rundll32", "regsvr32", "mshta", "wmic",
               ";", "&", "|", "invoke-", "iex", "new-object", "download", "start-process"],
    "932130": ["/bin/", "/usr/bin/", "/dev/", "${", "nc", "bash", "sh", ">"],
    "932160": ["("],
    "932170": ["${"],
    "933100": ["<?", "$_", "{", "phpinfo", "system", "passthru", "shell_exec", "exec", "popen", "proc_open", "pcntl_exec", "assert",
               "base64_decode", "file_get_contents", "file_put_contents", "fopen", "include", "require", "eval", "create_function",
               "call_user_func", "preg_replace"],
    "934100": ["require", "process.", "child_process", "constructor", "__proto__"],
    "944100": ["java.lang", "getruntime", "class.module", "#{", "%{", "${", "*{"],
    "934200": ["{{", "{%", "<%", "{", "<#", "[#", "</#", "[/#", "?new", "?api", "?eval", "?interpret", "freemarker.template.utility",
               "objectconstructor", "jythonruntime"],
    "934190": ["<!--", "<esi:"],
    "934250": ["<!doctype", "<!entity", "<xi:include", "xmlns:xi", "www.w3.org/2001/xinclude"],
    "941370": ["["],
    "934110": ["169.254.169.254", "metadata.google.internal", "100.100.100.200", "fd00:ec2::254", "://"],
    "913100": ["sqlmap", "nikto", "nmap", "masscan", "zgrab", "nuclei", "wpscan", "dirbuster", "gobuster", "dirb", "acunetix", "nessus",
               "openvas", "w3af", "arachni", "zap", "owasp", "burp", "netsparker", "invicti", "appscan", "webinspect", "havij", "commix",
               "jaeles", "ffuf", "wfuzz", "feroxbuster", "whatweb", "skipfish", "paros", "grabber", "vega", "xsser", "fimap", "jbrofuzz",
               "morfeus", "zmeu", "absinthe", "bsqlbf", "brutus", "cgichk", "interactsh", "qualys", "censysinspect",
               "internet-measurement", "l9explore", "leakix", "crawlergo", "xray", "hydra", "medusa", "metasploit", "sqlninja",
               "pangolin", "webshag", "httprint", "wapiti", "dotdotpwn", "joomscan", "droopescan", "cmsmap", "detectify", "intruder.io",
               "probely", "jorgee", "sf/", "netlab360", "fuzz faster u fool", "mozlila", "moblie safari"],
    "913120": ["acunetix", "nessus", "netsparker", "bxss", "burpcollaborator", "oastify", "oast.", "interact.sh", "dnslog.cn", "ceye.io",
               "xss.ht", "canarytokens"],
    "921110": ["http/"],
    "920270": ["%"],

    "920100": ["%"],
}

# Per-input rules that can match a bare token (only a-z, 0-9, _ and -, the shape of most ids,
# hashes and session tokens): the others are not run on such inputs at all. Checked against
# the corpora by PrefilterTest, like the literals.
TOKENS = {"942430", "942460", "942420", "942190", "942140", "942350", "941100", "941130", "941180", "930120", "932110", "934100", "913120"}

def rule_id(number):
    return hashlib.md5(("pier-owasp:" + number).encode()).hexdigest()

def block(text, indent):
    pad = " " * indent
    return "|-\n" + "\n".join(pad + line for line in text.split("\n"))

out = ["# Pier's OWASP Core Ruleset: written by waf/src/build/owasp-rules.py; edit that, then run it.",
       "# Each rule adds its severity's points (critical 40, error 32, warning 24, notice 16) to the",
       "# anomaly score; the anomaly rule acts when the score reaches its threshold.",
       "id: 4814384a9e5d4991b9815dcfc25d2f1f",
       "name: Pier OWASP Core Ruleset",
       "anomaly:",
       "  id: 6179ae15870a4bb7b2d480d4843b323c",
       '  description: "949110: Inbound Anomaly Score Exceeded"',
       "  action: block",
       "  score_threshold: 40",
       "rules:"]
for number, desc, cat, level, sev, expr in RULES:
    out.append(f"  - id: {rule_id(number)}")
    out.append(f'    description: "{number}: {desc}"')
    out.append(f"    categories: [{cat}, paranoia-level-{level}]")
    out.append(f"    severity: {sev}")
    if isinstance(expr, PerInput):
        out.append("    targets: [" + ", ".join(expr.targets) + "]")
        out.append("    views: [" + ", ".join(views(number)) + "]")
        if number in TOKENS:
            out.append("    matches_tokens: true")
    if number in PREFILTER:
        out.append("    prefilter: [" + ", ".join(json.dumps(l) for l in PREFILTER[number]) + "]")
    out.append("    expression: " + block(expr, 6))
path = os.path.join(os.path.dirname(__file__), "..", "main", "resources", "dev", "pier", "waf", "managed", "owasp.yaml")
with open(os.path.normpath(path), "w") as f:
    f.write("\n".join(out) + "\n")
print(len(RULES), "rules ->", os.path.normpath(path))
