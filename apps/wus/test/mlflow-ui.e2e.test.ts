import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalRunStore, mlflowRunUrl } from '@wus/tracking';
import { describeWithServer, requireServer, testClient, uniqueName } from '@wus/mlflow-js/testing';
import { chromium, type Page } from 'playwright-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { wus } from './capture.js';

/**
 * What a person sees in MLflow's web UI after `wus compare`: Debian's chromium, driven by
 * playwright-core, against the real test server (basic auth on). Screenshots go to
 * .test-results/mlflow-ui/. WUS_BROWSER_TESTS=skip skips it (announced); without chromium it fails
 * saying how to install it.
 */
const CHROMIUM = process.env['WUS_CHROMIUM'] ?? '/usr/bin/chromium';
const SKIP = process.env['WUS_BROWSER_TESTS'] === 'skip';
const SHOTS = fileURLToPath(new URL('../../../.test-results/mlflow-ui/', import.meta.url));
const FMNIST = '/usr/share/datasets/fashion-mnist';

if (SKIP) console.warn('mlflow-ui: WUS_BROWSER_TESTS=skip — the browser test of the MLflow UI is SKIPPED');

afterEach(() => {
  vi.unstubAllEnvs();
});

/** Waits until the artifact viewer's <img> of `path` (a blob fetched by the UI) has loaded with a real size. */
async function loadedImage(page: Page, path: string): Promise<{ width: number; height: number }> {
  const img = page.locator(`img[alt="${path}"]`).first();
  await img.waitFor({ state: 'visible', timeout: 60_000 });
  type Img = { complete: boolean; naturalWidth: number; naturalHeight: number };
  await page.waitForFunction((el) => el !== null && (el as unknown as Img).complete && (el as unknown as Img).naturalWidth > 0, await img.elementHandle(), { timeout: 60_000 });
  return img.evaluate((el) => ({ width: (el as unknown as Img).naturalWidth, height: (el as unknown as Img).naturalHeight }));
}

(SKIP ? describe.skip : describeWithServer)('the MLflow UI in a real browser', () => {
  it('the runs view nests the trials under the study; a trial page shows its data set, its logged model and its learning curve; the study shows its plot', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No chromium at ${CHROMIUM}: install Debian's (\`apt-get install chromium\`; \`bash .ci/run\` does it as root), set WUS_CHROMIUM, or WUS_BROWSER_TESTS=skip.`);
    }
    const s = requireServer();
    vi.stubEnv('MLFLOW_TRACKING_URI', s.uri);
    if (s.username !== null) vi.stubEnv('MLFLOW_TRACKING_USERNAME', s.username);
    if (s.password !== null) vi.stubEnv('MLFLOW_TRACKING_PASSWORD', s.password);
    const experiment = uniqueName('ui');
    const data = existsSync(FMNIST) ? ['--data-dir', FMNIST] : [];
    const r = await wus(['compare', ...data, '--model', 'lenet5', '--limit', '1024', '--epochs', '3', '-P', 'never,wus', '-o', 'wus.threshold=1', '--experiment', experiment, '--system-metrics-interval', '0.5']);
    expect(r.code, r.stderr).toBe(0);
    const store = new LocalRunStore(r.storeRoot);
    const [studyRun] = await store.listRuns({ parentRunId: null });
    const study = await store.getRun(studyRun!.runId);
    const trials = await Promise.all((await store.listRuns({ parentRunId: study.info.runId })).map((t) => store.getRun(t.runId)));
    const wusTrial = trials.find((t) => t.tags['wus.trial'] === 'wus')!;
    const at = (d: typeof study) => d.replicas[s.uri]!;
    const experimentId = at(study).experimentId;
    const digest = wusTrial.inputs.find((d) => d.context === 'train')!.digest;
    const modelId = at(wusTrial).models!['lenet5']!;
    expect(modelId).toMatch(/^m-/);

    mkdirSync(SHOTS, { recursive: true });
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1600, height: 1000 },
      ...(s.username === null || s.password === null ? {} : { httpCredentials: { username: s.username, password: s.password } }),
    });
    // A fresh page per view: moving between two runs' artifact views in one page keeps the first run's listing.
    let page = await browser.newPage();
    const visit = async (url: string) => {
      await page.close();
      page = await browser.newPage();
      await page.goto(url);
    };
    try {
      // 1. The experiment's runs table: the study, expanded, with its two trials nested under it.
      await visit(`${s.uri}/#/experiments/${experimentId}?workflowType=machine_learning`);
      const studyRow = page.getByRole('row').filter({ hasText: study.info.name });
      await studyRow.waitFor({ timeout: 60_000 });
      expect(await page.getByText('lenet5 · wus · seed 42').count()).toBe(0); // collapsed: trials hidden
      await studyRow.locator('button[data-component-id*="runnamecellrenderer"]').click();
      for (const name of ['lenet5 · never · seed 42', 'lenet5 · wus · seed 42']) await page.getByRole('row').filter({ hasText: name }).waitFor({ timeout: 30_000 });
      const rows = await page.getByRole('row').allInnerTexts();
      // Nested: the trials' rows follow the study's (newest first, as the table sorts).
      const [parent, ...children] = ['compare lenet5/fashion-mnist', 'lenet5 · never', 'lenet5 · wus'].map((n) => rows.findIndex((t) => t.includes(n)));
      expect(parent, rows.join('\n---\n')).toBeGreaterThanOrEqual(0);
      for (const child of children) expect(child, rows.join('\n---\n')).toBeGreaterThan(parent!);
      await page.screenshot({ path: join(SHOTS, 'runs.png') });

      // 2. A trial's page: its description, data set (name and digest), logged model (Ready), source.
      const trialUrl = mlflowRunUrl(s.uri, experimentId, at(wusTrial).runId);
      await visit(trialUrl);
      await page.getByText(`fashion-mnist (${digest})`).waitFor({ timeout: 60_000 });
      const text = await page.locator('body').innerText();
      expect(text).toContain('Weight Update Skipping'); // the description (mlflow.note.content)
      expect(text).toContain('main.ts'); // Source
      expect(text).toMatch(/System metrics \(\d+\)[\s\S]*system\/cpu_utilization_percentage/); // sampled while it trained
      await page.screenshot({ path: join(SHOTS, 'trial.png') });
      const models = page.getByText('Logged models (1)');
      await models.waitFor({ timeout: 60_000 });
      await page.getByRole('row').filter({ hasText: 'lenet5' }).filter({ hasText: 'Ready' }).waitFor({ timeout: 60_000 });
      await models.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, 'trial-logged-model.png') });

      // 3. Its learning curve, previewed in the artifacts tab.
      await visit(`${trialUrl}/artifacts/plots/learning-curve.svg`);
      const curve = await loadedImage(page, 'plots/learning-curve.svg');
      expect(curve.width).toBeGreaterThan(300);
      await page.screenshot({ path: join(SHOTS, 'trial-learning-curve.png') });

      // 4. The study's comparison plot (PNG).
      await visit(`${mlflowRunUrl(s.uri, experimentId, at(study).runId)}/artifacts/plots/comparison.png`);
      const plot = await loadedImage(page, 'plots/comparison.png');
      expect(plot.width).toBeGreaterThan(1000);
      await page.screenshot({ path: join(SHOTS, 'study-plot.png') });
    } catch (e) {
      await page.screenshot({ path: join(SHOTS, 'failed.png') }); // what the browser showed when it failed
      throw e;
    } finally {
      await browser.close();
    }
    // The same as the UI read it, through the API: the trial's model is the one the UI listed.
    expect((await testClient().loggedModels.get(modelId)).status).toBe('READY');
  }, 300_000);
});
