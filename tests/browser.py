"""The browser tests' Chromium: Debian's chromium (`make test` installs it), driven by playwright, which never
downloads a browser of its own."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def watched_page(browser, **options):
    """A new page of browser, with the lists that record its script errors (console errors and uncaught
    exceptions) and every URL it requests: (page, errors, fetched)."""
    page = browser.new_page(**options)
    errors, fetched = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("request", lambda request: fetched.append(request.url))
    return page, errors, fetched
