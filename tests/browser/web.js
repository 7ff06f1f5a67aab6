#!/usr/bin/env node
// vigil's web interface as a person uses it, in Debian's Chromium:
// type the user and password, press Enter, read the status page, click an
// action button, log out.  Driven by tests/integration/web_browser.bats.
//
//   node web.js SCENARIO URL USER PASSWORD SERVICE SHOTDIR
//
// SCENARIO
//   admin     log in, see SERVICE, click its restart button, see the
//             result, log out, see the login page again
//   readonly  log in, see SERVICE and no action button anywhere; submit a
//             restart form built in the page (with the page's own CSRF
//             token): refused; log out
//   badlogin  a wrong password: the login page again, saying so
//
// Prints one line per step; exits 1 with the reason on the first failure.
// Screenshots (PNG) of every step go to SHOTDIR.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const puppeteer = require('puppeteer-core');

const [scenario, url, user, password, service, shotdir] = process.argv.slice(2);
if (!shotdir) {
	console.error('usage: web.js SCENARIO URL USER PASSWORD SERVICE SHOTDIR');
	process.exit(2);
}
const STEP_MS = 30000;		// generous: a shared 2-core machine
let shotn = 0;

function fail(msg) {
	throw new Error(msg);
}

async function shot(page, name) {
	const f = path.join(shotdir, `${process.env.VIGIL_BROWSER || 'chromium'}-${scenario}-` +
	    `${String(++shotn).padStart(2, '0')}-${name}.png`);
	await page.screenshot({ path: f, fullPage: true });
	console.log(`screenshot ${f}`);
}

async function text(page) {
	return page.evaluate(() => document.body ? document.body.innerText : '');
}

// Labels of every button a person could press on the page (forms' submit
// buttons and inputs), except logging out.
async function actionButtons(page) {
	return page.evaluate(() => [...document.querySelectorAll(
	    'button, input[type=submit]')]
	    .map((b) => (b.innerText || b.value || '').trim().toLowerCase())
	    .filter((l) => l !== '' && l !== 'log out' && l !== 'log in'));
}

// Press a button labelled `action` that acts on `service`: on the page of
// that service (when the status page links to one) or on its row.
async function clickAction(page, action) {
	const link = await page.evaluate((svc) => {
		const a = [...document.querySelectorAll('a')].find(
		    (x) => x.textContent.trim() === svc);
		return a ? a.href : null;
	}, service);
	if (link) {
		await Promise.all([page.waitForNavigation({ timeout: STEP_MS }), page.goto(link)]);
		await shot(page, 'service-page');
	}
	const handle = await page.evaluateHandle((svc, act) => {
		const named = (f) => f && (f.querySelector(`input[name=service][value="${CSS.escape(svc)}"]`) ||
		    new URL(f.action).pathname.endsWith('/' + encodeURIComponent(svc)));
		return [...document.querySelectorAll('button, input[type=submit]')].find((b) => {
			const label = (b.innerText || b.value || '').trim().toLowerCase();
			return label === act && (named(b.form) || b.value === svc);
		}) || null;
	}, service, action);
	const el = handle.asElement();
	if (!el)
		fail(`no ${action} button for ${service}: buttons are ${JSON.stringify(await actionButtons(page))}`);
	const [resp] = await Promise.all([
		page.waitForNavigation({ timeout: STEP_MS }),
		el.click(),
	]);
	return resp;
}

async function login(page, pw) {
	const resp = await page.goto(url, { timeout: STEP_MS });
	if (!resp || resp.status() !== 200)
		fail(`GET ${url}: ${resp ? resp.status() : 'no response'}`);
	await page.waitForSelector('input[type=password]', { timeout: STEP_MS });
	await shot(page, 'login-page');
	// The user field: the first text-like input of the form holding the
	// password field.
	const userSel = 'form input:not([type=hidden]):not([type=password]):not([type=submit])';
	await page.click(userSel);
	await page.keyboard.type(user);
	await page.click('input[type=password]');
	await page.keyboard.type(pw);
	const [r] = await Promise.all([
		page.waitForNavigation({ timeout: STEP_MS }),
		page.keyboard.press('Enter'),
	]);
	console.log(`login as ${user}: HTTP ${r ? r.status() : '?'} at ${page.url()}`);
	return r;
}

async function expectStatusPage(page) {
	const t = await text(page);
	await shot(page, 'status-page');
	if (!t.includes(service) || !/log out/i.test(t))
		fail(`not the status page (no "${service}" or no log-out button):\n${t.slice(0, 1500)}`);
	console.log('status page shown');
}

async function logout(page) {
	const btn = await page.evaluateHandle(() => [...document.querySelectorAll('button, input[type=submit]')]
	    .find((b) => /^log out$/i.test((b.innerText || b.value || '').trim())) || null);
	if (!btn.asElement())
		fail('no log-out button');
	const [r] = await Promise.all([page.waitForNavigation({ timeout: STEP_MS }), btn.asElement().click()]);
	await shot(page, 'after-logout');
	if (!r || r.status() !== 200 || !(await page.$('input[type=password]')))
		fail(`log out: HTTP ${r ? r.status() : '?'}, not the login page:\n${(await text(page)).slice(0, 800)}`);
	// The session is gone: the status page is no longer served.
	await page.goto(url, { timeout: STEP_MS });
	if (!(await page.$('input[type=password]')))
		fail('after logging out, / still shows the status page');
	console.log('logged out');
}

async function admin(page) {
	let r = await login(page, password);
	if (!r || r.status() !== 200)
		fail(`login: HTTP ${r ? r.status() : '?'}: ${(await text(page)).slice(0, 800)}`);
	await expectStatusPage(page);
	r = await clickAction(page, 'restart');
	await shot(page, 'after-restart');
	const t = await text(page);
	if (!r || r.status() !== 200 || !/restart/i.test(t))
		fail(`restart: HTTP ${r ? r.status() : '?'}:\n${t.slice(0, 800)}`);
	console.log(`restart clicked: HTTP ${r.status()}`);
	await logout(page);
}

async function readonly(page) {
	const r = await login(page, password);
	if (!r || r.status() !== 200)
		fail(`login: HTTP ${r ? r.status() : '?'}: ${(await text(page)).slice(0, 800)}`);
	await expectStatusPage(page);
	let buttons = await actionButtons(page);
	if (buttons.length > 0)
		fail(`a read-only user sees action buttons: ${JSON.stringify(buttons)}`);
	// The service page too, when there is one.
	const link = await page.evaluate((svc) => {
		const a = [...document.querySelectorAll('a')].find((x) => x.textContent.trim() === svc);
		return a ? a.href : null;
	}, service);
	if (link) {
		await page.goto(link, { timeout: STEP_MS });
		await shot(page, 'service-page');
		buttons = await actionButtons(page);
		if (buttons.length > 0)
			fail(`a read-only user sees action buttons on ${link}: ${JSON.stringify(buttons)}`);
	}
	console.log('no action buttons');
	// What a tampered page would send: a restart with this session's own
	// CSRF token (taken from the log-out form).  The monitor refuses it.
	const [resp] = await Promise.all([
		page.waitForNavigation({ timeout: STEP_MS }),
		page.evaluate((svc) => {
			const tok = document.querySelector('input[name=csrf]');
			const f = document.createElement('form');
			f.method = 'post';
			f.action = '/action';
			for (const [n, v] of [['csrf', tok ? tok.value : ''], ['service', svc], ['action', 'restart']]) {
				const i = document.createElement('input');
				i.type = 'hidden'; i.name = n; i.value = v;
				f.appendChild(i);
			}
			document.body.appendChild(f);
			f.submit();
		}, service),
	]);
	await shot(page, 'forged-restart');
	const t = await text(page);
	if (!resp || resp.status() !== 403 || /csrf/i.test(t))
		fail(`a read-only restart: HTTP ${resp ? resp.status() : '?'} (want 403 for the role, not the token):\n${t.slice(0, 800)}`);
	console.log('read-only restart refused: HTTP 403');
	await page.goto(url, { timeout: STEP_MS });
	await logout(page);
}

async function badlogin(page) {
	const r = await login(page, password + '-wrong');
	await shot(page, 'bad-login');
	if (!r || r.status() !== 401 || !(await page.$('input[type=password]')) ||
	    !/login failed/i.test(await text(page)))
		fail(`a wrong password: HTTP ${r ? r.status() : '?'}:\n${(await text(page)).slice(0, 800)}`);
	console.log('wrong password refused: HTTP 401');
}

(async () => {
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-chromium-'));
	let browser;
	let code = 0;
	try {
		browser = await puppeteer.launch(process.env.VIGIL_BROWSER === 'firefox' ? {
			// Debian's firefox-esr over WebDriver BiDi
			browser: 'firefox',
			executablePath: process.env.FIREFOX || '/usr/bin/firefox-esr',
			headless: true,
			acceptInsecureCerts: true,
			userDataDir: profile,
			extraPrefsFirefox: {
				'app.update.enabled': false,
				'browser.shell.checkDefaultBrowser': false,
				'network.captive-portal-service.enabled': false,
				'network.connectivity-service.enabled': false,
			},
		} : {
			executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
			headless: true,
			acceptInsecureCerts: true,
			userDataDir: profile,
			args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
			    '--disable-background-networking', '--disable-component-update',
			    '--disable-sync', '--ignore-certificate-errors'],
		});
		const page = await browser.newPage();
		page.setDefaultTimeout(STEP_MS);
		const steps = { admin, readonly, badlogin }[scenario];
		if (!steps)
			fail(`unknown scenario ${scenario}`);
		await steps(page);
		console.log(`${scenario}: ok`);
	} catch (e) {
		console.log(`${scenario}: FAILED: ${e.message}`);
		code = 1;
	} finally {
		if (browser)
			await browser.close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
	}
	process.exit(code);
})();
