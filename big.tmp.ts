import { translateText } from './tools/gitlab2jenkins/src/index';
const n = Number(process.argv[2] ?? 20000);
const jobs = Array.from({ length: n }, (_, i) => `job${i}:\n  stage: ${['build', 'test', 'deploy'][i % 3]}\n  script: echo ${i}\n  artifacts: {paths: [out${i}/]}\n`).join('');
const yaml = `stages: [build, test, deploy]\n${jobs}`;
console.log('bytes', yaml.length);
const t0 = Date.now();
const t = translateText(yaml);
console.log('ms', Date.now() - t0, 'jenkinsfile bytes', t.jenkinsfile.length, 'warnings', t.warnings.length);
