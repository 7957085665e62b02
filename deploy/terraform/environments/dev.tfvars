environment              = "dev"
aws_region               = "us-east-2"
cost_center              = "ai-nexus-workbench-dev"
point_in_time_recovery   = false
customer_managed_kms_key = false
deletion_protection      = false
create_app_policy        = true

deploy_project_management = true
deploy_agent_builder      = true
deploy_ai_lab             = true
deploy_community          = true
deploy_education          = true
deploy_analytics          = true
deploy_rbac_notifications = true
