// The CDK app (cdk.json → "app": "npx tsx infra/app.ts"). Pick the environment with -c tierdesk:env=prod.
import { addTierdeskStacks, createApp, enableCdkNag } from './tierdesk-app.ts';

const app = createApp();
addTierdeskStacks(app);
enableCdkNag(app);
app.synth();
