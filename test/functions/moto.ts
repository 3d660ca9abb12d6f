/** This worker's moto_server, reset for one test file: AWS SDK clients created after `start()` talk to it, never to AWS. */
import { MotoServer } from '../../tools/ops/src/moto-server';
import { workerMotoServer } from '../fixtures/worker-moto';

export const MOTO_ACCOUNT = '111111111111';
export const MOTO_REGION = 'eu-central-1';

export function useMotoServer(): void {
  let moto: MotoServer | undefined;
  const saved = { ...process.env };
  beforeAll(async () => {
    moto = await workerMotoServer(MOTO_ACCOUNT);
    // Nothing from the machine's own AWS setup may leak in.
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_REGION: MOTO_REGION,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
  });
  afterAll(async () => {
    await moto?.stop();
    process.env = saved;
  });
}
