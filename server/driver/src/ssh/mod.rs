//! ssh probe and deploy, with arguments passed as argv.
