import { existsSync } from 'node:fs';
import { ADDON_PATH } from '../addon.js';

/**
 * These tests need the addon built: they fail, saying how to build it, rather than pass without
 * running. WUS_ONEDNN_TESTS=skip skips them (and says so) where it cannot be built.
 */
export const skipOnednnTests = process.env['WUS_ONEDNN_TESTS'] === 'skip';
if (!skipOnednnTests && !existsSync(ADDON_PATH)) {
  throw new Error(`the oneDNN addon is not built (${ADDON_PATH}): run \`npm run setup:onednn\`, or set WUS_ONEDNN_TESTS=skip`);
}
