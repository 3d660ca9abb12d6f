/** Lambda entry of the GitLab-CI to Jenkinsfile translator service (the library lives in tools/gitlab2jenkins). */
export { handler } from '../../tools/gitlab2jenkins/src/service-handler';
