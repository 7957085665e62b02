# Production. Every feature is built, so every flag is on; set one to false to hold a
# phase back (turning a flag off later deletes its tables: deletion_protection stops that).
environment              = "prod"
aws_region               = "us-east-2"
cost_center              = "ai-nexus-workbench-prod"
point_in_time_recovery   = true
customer_managed_kms_key = true
deletion_protection      = true
create_app_policy        = true

deploy_project_management = true
deploy_agent_builder      = true
deploy_ai_lab             = true
deploy_community          = true
deploy_education          = true
deploy_analytics          = true
deploy_rbac_notifications = true
