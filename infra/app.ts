// The CDK app (cdk.json → "app": "npx tsx infra/app.ts"). Pick the environment with -c tierdesk:env=prod.
import { enableControlTowerChecks } from './control-tower.ts';
import { addTierdeskStacks, createApp, enableCdkNag } from './tierdesk-app.ts';

const app = createApp();
const { config } = addTierdeskStacks(app);
enableCdkNag(app);
// Control Tower's proactive controls (cfn-guard, offline): an unacknowledged failure fails synth.
enableControlTowerChecks(app, config);
app.synth();
