"""The workbench in a real browser: Debian's chromium, headless, driven by
Selenium through the system's chromedriver (nothing downloads a browser), on a
real server on loopback over the seeds database. Each page loads without a
console error; a filter applied in the form keeps its events; an event opens
with its evidence and timeline. Screenshots go to ``TRADEWATCH_ARTIFACTS``
(default ``artifacts/``)."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.web.app import create_app
from storage.database import open_engine

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def _artifacts() -> Path:
    folder = Path(os.environ.get("TRADEWATCH_ARTIFACTS", ROOT / "artifacts")) / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    if not (CHROMIUM and DRIVER):
        message = "chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # chromium keeps its profile and singleton socket in TMPDIR and leaves them
    # behind: under the test's own folder instead of /tmp
    service = Service(executable_path=DRIVER, env={**os.environ, "TMPDIR": str(tmp_path)})
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def server(seeds_db: str) -> Iterator[str]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    engine = open_engine(seeds_db)
    app = create_app(engine, channels=["console"])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)
    engine.dispose()


def _clean(driver: object) -> None:
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert errors == [], errors


def test_every_page_a_filter_and_an_event_with_its_timeline(browser: object, server: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    shots = _artifacts()
    for name, path in [
        ("events", "/"),
        ("sources", "/sources"),
        ("alerts", "/alerts"),
        ("backtest", "/backtest"),
    ]:
        driver.get(server + path)  # type: ignore[attr-defined]
        assert driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
        _clean(driver)
        driver.save_screenshot(str(shots / f"{name}.png"))  # type: ignore[attr-defined]

    driver.get(server + "/")  # type: ignore[attr-defined]
    every = len(driver.find_elements(By.CSS_SELECTOR, "#events tbody tr"))  # type: ignore[attr-defined]
    field = driver.find_element(By.NAME, "actor")  # type: ignore[attr-defined]
    field.send_keys("CN")
    driver.find_element(By.ID, "apply").click()  # type: ignore[attr-defined]
    wait = WebDriverWait(driver, 15)  # a click starts the navigation: wait for its page
    assert wait.until(until.url_contains("actor=CN"))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
    rows = driver.find_elements(By.CSS_SELECTOR, "#events tbody tr")  # type: ignore[attr-defined]
    assert 0 < len(rows) < every
    assert all(": CN " in r.text or ": CN\n" in r.text or ": CN on" in r.text for r in rows)
    _clean(driver)
    driver.save_screenshot(str(shots / "events-actor-CN.png"))  # type: ignore[attr-defined]

    driver.get(server + "/?type=tariff&action=threatened")  # type: ignore[attr-defined]
    link = driver.find_element(By.CSS_SELECTOR, "#events tbody tr a")  # type: ignore[attr-defined]
    title = link.text
    link.click()
    assert wait.until(until.text_to_be_present_in_element((By.ID, "title"), title))
    assert driver.find_element(By.ID, "title").text == title  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, "#timeline svg circle")  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, "#evidence blockquote")  # type: ignore[attr-defined]
    _clean(driver)
    driver.save_screenshot(str(shots / "event.png"))  # type: ignore[attr-defined]
